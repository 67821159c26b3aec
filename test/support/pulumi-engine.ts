/**
 * The real Pulumi engine for end-to-end tests: no mocks, a local file backend, fully offline.
 *
 * `ensurePulumiEngine()` runs scripts/pulumi-engine.sh, which builds the CLI from Go modules on
 * the first run of a machine (minutes; its progress goes to this process's stderr) and answers
 * from its cache in well under a second after that. The result is memoized per test worker, so
 * each test file pays the warm path at most once. A missing or broken engine REJECTS: e2e tests
 * must fail, never skip, when the engine cannot be had.
 *
 * `pulumiEnv(workDir)` is the environment for one isolated CLI "installation": its own
 * PULUMI_HOME and file:// backend under `workDir`, no update check, no plugin downloads.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * A timeout for hooks that call `ensurePulumiEngine()`: generous enough for a cold build of the
 * engine on a 2-core machine (measured: about 11 minutes; see scripts/pulumi-engine.sh).
 */
export const ENGINE_BUILD_TIMEOUT_MS = 45 * 60_000;

/** The passphrase of the test stacks' secrets (a test value, not a secret). */
export const TEST_PASSPHRASE = "runner-fleet-e2e-passphrase";

export interface PulumiEngine {
  /** Holds `pulumi`, `pulumi-resource-pulumi-nodejs` and, when it could be had, `pulumi-language-nodejs`. */
  binDir: string;
  /** The `pulumi version` of binDir/pulumi, e.g. "v3.276.0". */
  version: string;
  /** Whether binDir has the Node.js language host (needed for on-disk `runtime: nodejs` projects). */
  hasLanguageHost: boolean;
  /**
   * The base environment for the CLI: this process's environment without any PULUMI_* variable of
   * the developer's (tokens, backends, homes), PATH = binDir, Node >= 22, rest; offline switches on.
   * Add a PULUMI_HOME and a backend: `pulumiEnv(workDir)` does.
   */
  env: Record<string, string>;
}

const MIN_NODE_MAJOR = 22;

/** The directory of a node >= 22: this process's own if new enough, else the one ./dev bootstraps. */
export function nodeBinDir(): string {
  if (Number(process.versions.node.split(".")[0]) >= MIN_NODE_MAJOR) return dirname(process.execPath);
  const bootstrapped = join(repoRoot, ".tools", `node${MIN_NODE_MAJOR}`, "node_modules", "node", "bin");
  if (existsSync(join(bootstrapped, "node"))) return bootstrapped;
  throw new Error(
    `Node ${process.versions.node} runs the tests and ${bootstrapped} has no node: run the tests through ./dev, which installs Node ${MIN_NODE_MAJOR}`,
  );
}

/** The variables that make the CLI offline and non-interactive (reference §1.6). */
const OFFLINE: Record<string, string> = {
  // No version check against the Pulumi Cloud; it is also what carries the CLI's usage metadata
  // (command, flags, PULUMI_* names), so this is the CLI's telemetry switch too.
  PULUMI_SKIP_UPDATE_CHECK: "true",
  // A missing plugin fails fast instead of trying to download it from GitHub.
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  PULUMI_SKIP_CONFIRMATIONS: "true",
};

/** Environment variables of the developer's shell that must not reach the test CLI. */
function isInherited(name: string): boolean {
  // PULUMI_ACCESS_TOKEN, PULUMI_BACKEND_URL, PULUMI_HOME, PULUMI_IGNORE_AMBIENT_PLUGINS, PULUMI_OTEL_*:
  // any of them would make the tests depend on the machine or talk to a service.
  if (name.startsWith("PULUMI_")) return false;
  // Trace propagation to an outside collector.
  if (name === "TRACEPARENT" || name === "TRACESTATE") return false;
  return true;
}

let engine: Promise<PulumiEngine> | undefined;

/** Makes the engine available (building it on a cold machine) and describes it. Memoized. */
export function ensurePulumiEngine(): Promise<PulumiEngine> {
  engine ??= loadEngine().catch((err: unknown) => {
    engine = undefined; // let a later call retry rather than cache the failure
    throw err;
  });
  return engine;
}

async function loadEngine(): Promise<PulumiEngine> {
  const script = join(repoRoot, "scripts", "pulumi-engine.sh");
  // The script gets the whole environment: its own switches are PULUMI_ENGINE_* variables.
  const scriptEnv = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const { stdout } = await run("bash", [script], { cwd: repoRoot, env: scriptEnv, forwardStderr: true, what: "scripts/pulumi-engine.sh" });
  const binDir = stdout.trim().split("\n").at(-1)?.trim() ?? "";
  if (!binDir || !existsSync(join(binDir, "pulumi"))) {
    throw new Error(`scripts/pulumi-engine.sh printed no usable bin directory (last line: ${JSON.stringify(binDir)})`);
  }
  const env: Record<string, string> = {
    ...inheritedEnv(),
    ...OFFLINE,
    PATH: [binDir, nodeBinDir(), process.env.PATH ?? ""].join(":"),
  };
  const version = (await run(join(binDir, "pulumi"), ["version"], { cwd: repoRoot, env, what: "pulumi version" })).stdout.trim();
  return { binDir, version, hasLanguageHost: existsSync(join(binDir, "pulumi-language-nodejs")), env };
}

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && isInherited(name)) env[name] = value;
  }
  return env;
}

/**
 * The environment for a fully offline CLI whose state lives under `workDir` (a scratch directory
 * the test owns; not the program directory): PULUMI_HOME=<workDir>/pulumi-home,
 * PULUMI_BACKEND_URL=file://<workDir>/backend, a test passphrase, plus everything in `engine.env`.
 */
export async function pulumiEnv(workDir: string): Promise<Record<string, string>> {
  const { env } = await ensurePulumiEngine();
  const home = join(workDir, "pulumi-home");
  const backend = join(workDir, "backend");
  mkdirSync(home, { recursive: true });
  mkdirSync(backend, { recursive: true });
  return {
    ...env,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: pathToFileURL(backend).href,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
  };
}

/** A fresh directory under the OS temp dir. */
export function scratchDir(prefix = "runner-fleet-e2e-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pulumi <args>` in `cwd` with `env` (from `pulumiEnv`), non-interactively. Rejects on a
 * non-zero exit with the command's output in the message, unless `allowFailure` is set.
 */
export async function runPulumi(
  args: string[],
  options: { cwd: string; env: Record<string, string>; allowFailure?: boolean; timeoutMs?: number },
): Promise<CommandResult> {
  const { binDir } = await ensurePulumiEngine();
  return run(join(binDir, "pulumi"), [...args, "--non-interactive"], {
    cwd: options.cwd,
    env: options.env,
    allowFailure: options.allowFailure ?? false,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
    what: `pulumi ${args.join(" ")}`,
  });
}

interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  what: string;
  allowFailure?: boolean;
  /** Also copy the child's stderr to ours as it comes (for long builds' progress). */
  forwardStderr?: boolean;
  timeoutMs?: number;
}

function run(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (options.forwardStderr) process.stderr.write(chunk);
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stderr += `\n[killed after ${options.timeoutMs} ms]`;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.on("error", (err) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`${options.what}: cannot start ${command}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code === 0 || options.allowFailure) return resolve(result);
      const tail = (text: string) => text.trimEnd().split("\n").slice(-40).join("\n");
      reject(
        new Error(
          `${options.what} failed (exit ${code ?? signal}) in ${options.cwd}\n--- stdout (tail) ---\n${tail(stdout)}\n--- stderr (tail) ---\n${tail(stderr)}`,
        ),
      );
    });
  });
}
