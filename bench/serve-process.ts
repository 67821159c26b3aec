/**
 * runner-fleet's CLI as its own process, the way it runs in production: compiled once per bench
 * run (tsc without type checking, into a temporary folder outside the repo, next to a link to
 * node_modules) and started with plain `node`, so a process's memory is runner-fleet's, not tsx's.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { sandboxFleetInput } from "../src/cli/sandbox-files.js";
import type { Sandbox } from "../src/sandbox/index.js";
import type { RemoteSandbox } from "./remote-sandbox.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const buildDir = join(tmpdir(), "runner-fleet-bench-build");
let built: Promise<string> | undefined;
let started = 0;

/** Compiles src/ once per bench run; resolves to the CLI's main.js. */
export function buildCli(): Promise<string> {
  return (built ??= (async () => {
    await rm(buildDir, { recursive: true, force: true });
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    // --noCheck: type errors are the test suite's business; the bench needs the emitted code.
    await promisify(execFile)(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--noCheck", "--declaration", "false", "--sourceMap", "false", "--outDir", join(buildDir, "dist")]);
    // The repo's layout: dist/version.js reads ../package.json; packages resolve through the link.
    await copyFile(join(root, "package.json"), join(buildDir, "package.json"));
    await symlink(join(root, "node_modules"), join(buildDir, "node_modules"));
    return join(buildDir, "dist/cli/main.js");
  })());
}

/** A CLI process: its output so far, a way to stop it, and its exit. */
export interface CliProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `runner-fleet <args>` in `cwd`; with `readyText`, resolves once stdout shows it. */
export async function startCli(args: string[], cwd: string, readyText?: string, timeoutMs = 60_000, env: Record<string, string> = {}): Promise<CliProcess> {
  const main = await buildCli();
  const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", main, ...args], { cwd, env: { ...process.env, GITHUB_TOKEN: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let text = "";
  // Every line also goes to a log file beside the fleet file, for looking into a surprising figure.
  const log = createWriteStream(join(cwd, `${args[0]}-${++started}.log`));
  child.stdout?.on("data", (chunk: Buffer) => ((stdout = (stdout + chunk.toString()).slice(-20_000)), (text = (text + chunk.toString()).slice(-20_000)), log.write(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => ((text = (text + chunk.toString()).slice(-20_000)), log.write(chunk)));
  child.once("exit", () => log.end());
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const proc: CliProcess = {
    child, pid: child.pid ?? 0, output: () => text, exited,
    stop: (signal = "SIGTERM") => (child.exitCode === null && child.signalCode === null && child.kill(signal), exited),
  };
  if (readyText !== undefined) {
    const deadline = Date.now() + timeoutMs;
    while (!stdout.includes(readyText)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`runner-fleet ${args[0]} did not start: ${text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return proc;
}

/** Waits until `check` holds; throws with the process's output when it exits or `timeoutMs` passes first. */
export async function awaitReady(proc: CliProcess, what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (proc.child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} not reached: ${proc.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `runner-fleet <args>` to the end; resolves to its exit code and output. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const proc = await startCli(args, cwd);
  const code = await proc.exited;
  return { code, output: proc.output() };
}

/** What a bench fleet file holds beyond the sandbox's defaults. */
export interface BenchFleet {
  prefix: string;
  repository: string;
  runners?: number;
  /** `autoscale:` for serve; absent for a fixed fleet. */
  autoscale?: { minIdle: number; max: number; idleTimeoutSeconds: number };
  /** serve's listener, secret, whether it registers the sandbox hook, its periods, and its controller id. */
  serve?: { port: number; secret?: string; register?: boolean; tickSeconds: number; reconcileSeconds: number; id?: string };
  /**
   * With it, demand comes from this runner scale set (`autoscale.scaleSet`): the fleet file has no
   * webhook section, so serve.demand defaults to scale-set (secret and register are unused).
   */
  scaleSet?: string;
  extra?: Record<string, unknown>;
}

/** Writes clouds.yaml and fleet.yaml for `fleet` into `dir`; returns the fleet file's path. */
export async function writeFleet(dir: string, sb: RemoteSandbox, fleet: BenchFleet): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "clouds.yaml"), sb.cloudsYaml);
  const listen = fleet.serve ? `127.0.0.1:${fleet.serve.port}` : "127.0.0.1:9180";
  // sandboxFleetInput reads only the URLs, the token and the cloud name of the sandbox.
  const base = sandboxFleetInput(sb as unknown as Sandbox, { prefix: fleet.prefix, runners: fleet.runners ?? 0, repository: fleet.repository, serve: { listen, secret: fleet.serve?.secret ?? "unused" } });
  const { autoscale: _a, serve: serveSection, ...spec } = base;
  const { webhook: _w, ...section } = serveSection as Record<string, unknown>;
  const serve = fleet.serve && {
    ...section,
    ...(fleet.serve.id ? { id: fleet.serve.id } : {}),
    tickSeconds: fleet.serve.tickSeconds,
    reconcileSeconds: fleet.serve.reconcileSeconds,
    ...(fleet.scaleSet ? {} : { webhook: { secret: fleet.serve.secret, ...(fleet.serve.register ? { url: `http://${listen}/webhook`, register: true } : {}) } }),
  };
  const autoscale = fleet.autoscale && { ...fleet.autoscale, ...(fleet.scaleSet ? { scaleSet: { name: fleet.scaleSet } } : {}) };
  const file = join(dir, "fleet.yaml");
  await writeFile(file, stringify({ ...spec, graceSeconds: 2, ...fleet.extra, ...(autoscale ? { autoscale, serve } : {}) }));
  return file;
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** A process's resident memory in MB (VmRSS of /proc/<pid>/status). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** A temporary folder for one bench's files. */
export async function benchDir(name: string): Promise<string> {
  const dir = join(tmpdir(), `runner-fleet-bench-${name}-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}
