/**
 * The Pulumi demo's setting: this checkout (the root Pulumi.yaml project, program pulumi/demo/),
 * the engine from scripts/pulumi-engine.sh (built from Go modules on a fresh machine, with its
 * progress shown), and an environment that keeps the engine offline and its state in a temp dir.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { lstat, mkdir, readlink, rm, symlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError, FleetError } from "../manager/errors.js";
import type { CliIo } from "./io.js";

/** This checkout's root: src/cli/ and dist/cli/ are both two levels down. */
export const checkoutRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The demo project in this checkout, or a `ConfigError` saying why there is none. */
export function demoProject(root = checkoutRoot): { root: string; programDir: string } {
  const yaml = join(root, "Pulumi.yaml");
  const programDir = join(root, "pulumi", "demo");
  const missing = !existsSync(yaml) || !/^name: runner-fleet-demo$/m.test(readFileSync(yaml, "utf8")) || !existsSync(join(programDir, "index.ts"));
  if (missing) {
    throw new ConfigError([{ path: "demo", message: `the Pulumi demo runs from a checkout of runner-fleet (its root Pulumi.yaml and pulumi/demo/), not found at ${root}; \`runner-fleet demo --manager-only\` runs without Pulumi` }]);
  }
  if (!existsSync(join(root, "dist", "pulumi", "provider-entry.js"))) {
    throw new ConfigError([{ path: "dist", message: `${join(root, "dist")} is not built: the demo's provider process loads runner-fleet from it; run ./dev build (./dev demo does)` }]);
  }
  return { root, programDir };
}

/**
 * Links pulumi/demo/node_modules/runner-fleet to this checkout, as `npm install` there would
 * (`file:../..`), so the program and the dynamic provider process (cwd pulumi/demo) load this
 * checkout's dist/. @pulumi/pulumi and typescript resolve from the root's node_modules.
 */
export async function linkDemoPackage(programDir: string, root: string): Promise<void> {
  const link = join(programDir, "node_modules", "runner-fleet");
  const target = relative(dirname(link), root) || ".";
  const current = await lstat(link).catch(() => undefined);
  if (current?.isSymbolicLink() && (await readlink(link)) === target) return;
  if (current) await rm(link, { recursive: true, force: true });
  await mkdir(dirname(link), { recursive: true });
  await symlink(target, link, "dir");
}

/**
 * Runs scripts/pulumi-engine.sh: uses a recent-enough `pulumi` on PATH or the cached build, else
 * builds the engine (minutes; the script prints its progress, which goes to stderr as it comes).
 * Resolves to the directory holding `pulumi` (the script's last stdout line).
 */
export function ensureEngine(root: string, io: Pick<CliIo, "stderr" | "env" | "signal">): Promise<string> {
  const script = join(root, "scripts", "pulumi-engine.sh");
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(io.env).filter((e): e is [string, string] => e[1] !== undefined));
    const child = spawn("bash", [script], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => io.stderr.write(chunk));
    const onAbort = (): void => void child.kill("SIGTERM");
    io.signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error) => reject(new FleetError("engine_unavailable", `cannot run ${script}: ${error.message}`)));
    child.on("close", (code) => {
      io.signal.removeEventListener("abort", onAbort);
      const binDir = stdout.trim().split("\n").at(-1)?.trim() ?? "";
      if (code === 0 && binDir && existsSync(join(binDir, "pulumi"))) return resolve(binDir);
      reject(new FleetError("engine_unavailable", `scripts/pulumi-engine.sh could not provide the Pulumi engine (exit ${code}; its messages are above); \`runner-fleet demo --manager-only\` runs without Pulumi`));
    });
  });
}

/**
 * The engine's environment for the demo: offline (no update check, no plugin download), state and
 * PULUMI_HOME under `work`, a fixed passphrase (the secrets are the sandbox's throwaways), Node of
 * this process first on PATH (the provider launcher needs Node 22), none of the user's PULUMI_*
 * settings (they are blanked, since the Automation API adds this process's environment).
 */
export async function demoEnv(binDir: string, work: string, env: Record<string, string | undefined>): Promise<Record<string, string>> {
  const home = join(work, "pulumi-home");
  const state = join(work, "state");
  await mkdir(home, { recursive: true });
  await mkdir(state, { recursive: true });
  const blanked = Object.fromEntries(Object.keys({ ...process.env, ...env }).filter((k) => k.startsWith("PULUMI_")).map((k) => [k, ""]));
  const kept = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith("PULUMI_")));
  return {
    ...kept,
    ...blanked,
    PATH: [binDir, dirname(process.execPath), env.PATH ?? ""].join(":"),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: pathToFileURL(state).href,
    PULUMI_CONFIG_PASSPHRASE: "runner-fleet-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // The program is type-checked by the repository's tests; here ts-node only transpiles it (faster).
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
}
