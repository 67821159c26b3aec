/**
 * On-disk Pulumi projects that use runner-fleet the way a user's project does, for the end-to-end
 * tests and the preview benchmark.
 *
 * `createPulumiProject()` lays out a program directory whose node_modules is a link to an
 * installation of runner-fleet (runner-fleet-install.ts), plus its own PULUMI_HOME and file:// backend (`pulumiEnv`: no update check, no
 * plugin downloads, a test passphrase). `FleetStack` drives one stack of it through the real CLI.
 */
import { spawn } from "node:child_process";
import { cp, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { type CommandResult, ensurePulumiEngine, pulumiEnv, repoRoot, runPulumi, scratchDir } from "./pulumi-engine.js";
import { type ExtraPackage, installRunnerFleet } from "./runner-fleet-install.js";

export { installRunnerFleet, installRunnerFleetAt, type ExtraPackage } from "./runner-fleet-install.js";

// --- projects ---

/** A Pulumi program directory with its own CLI home and backend. */
export interface PulumiProject {
  /** Where `pulumi` runs (holds Pulumi.yaml). */
  dir: string;
  /** The scratch directory holding `dir`, PULUMI_HOME and the backend. */
  work: string;
  /** The CLI's environment (pulumiEnv of `work`). */
  env: Record<string, string>;
  /** `pulumi <args> --non-interactive` in `dir`. */
  pulumi(args: string[], options?: RunOptions): Promise<CommandResult>;
  /** Everything the CLI printed so far (stdout and stderr of every command but `showsSecrets` ones; never the arguments). */
  transcript: string[];
  remove(): Promise<void>;
  /** Points the program's node_modules at another installation (an upgrade of runner-fleet). */
  useInstallation(installed: string): Promise<void>;
}

export interface ProjectLayout {
  /** Files to write, by path relative to the project directory. */
  files?: Record<string, string>;
  /** Directories to copy in first: repository-relative source → project-relative destination. */
  copy?: Record<string, string>;
  /** The project-relative directory whose node_modules links to the installation (default "."). */
  programDir?: string;
  /** Extra environment for the CLI (and so for the language host and the provider process); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Packages the program needs besides runner-fleet and @pulumi/pulumi. */
  extras?: readonly ExtraPackage[];
}

export interface RunOptions {
  allowFailure?: boolean;
  timeoutMs?: number;
  /** The output shows secrets on purpose (`--show-secrets`): keep it out of the transcript. */
  showsSecrets?: boolean;
}

/** One `pulumi` step may take this long before it is killed (a hung step fails the test, it does not hang it). */
export const STEP_TIMEOUT_MS = 5 * 60_000;

/** Lays out a project in a fresh scratch directory, its node_modules linked to the installed runner-fleet. */
export async function createPulumiProject(layout: ProjectLayout): Promise<PulumiProject> {
  const installed = await installRunnerFleet(layout.extras);
  const work = await scratchDir("runner-fleet-e2e-project-");
  const dir = join(work, "project");
  await mkdir(dir);
  for (const [from, to] of Object.entries(layout.copy ?? {})) {
    await cp(join(repoRoot, from), join(dir, to), {
      recursive: true,
      filter: (src) => !/(^|\/)(node_modules|\.pulumi-state|bin)(\/|$)|Pulumi\.[^/]+\.yaml$/.test(relative(repoRoot, src)),
    });
  }
  for (const [path, text] of Object.entries(layout.files ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const modules = join(dir, layout.programDir ?? ".", "node_modules");
  await symlink(join(installed, "node_modules"), modules, "dir");
  const env = Object.fromEntries(
    Object.entries({ ...(await pulumiEnv(work)), ...layout.env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const transcript: string[] = [];
  return {
    dir,
    work,
    env,
    transcript,
    async pulumi(args, options = {}) {
      const start = performance.now();
      // RUNNER_FLEET_E2E_TIMING=1: how long each CLI step takes, on stderr.
      const timed = () =>
        process.env.RUNNER_FLEET_E2E_TIMING && process.stderr.write(`[pulumi-project] pulumi ${args.slice(0, 2).join(" ")}: ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
      try {
        const result = await runPulumi(args, { cwd: dir, env, timeoutMs: options.timeoutMs ?? STEP_TIMEOUT_MS, allowFailure: options.allowFailure ?? false });
        if (!options.showsSecrets) transcript.push(result.stdout, result.stderr);
        timed();
        return result;
      } catch (error) {
        if (!options.showsSecrets) transcript.push(String(error));
        timed();
        throw error;
      }
    },
    remove: () => rm(work, { recursive: true, force: true }),
    async useInstallation(other) {
      await rm(modules);
      await symlink(join(other, "node_modules"), modules, "dir");
    },
  };
}

/** What the sandbox gives a stack's config. */
export interface SandboxEndpoints {
  githubUrl: string;
  githubToken: string;
  cloudsYaml: string;
}

/** One step of `pulumi preview --json`. */
export interface PreviewStep {
  op: string;
  urn: string;
  oldState?: { type: string; outputs?: Record<string, unknown> };
  newState?: { type: string; inputs?: Record<string, unknown> };
}

export interface PreviewJson {
  steps: PreviewStep[];
  changeSummary: Record<string, number>;
  diagnostics?: { message: string; severity: string; urn?: string }[];
}

/** A resource of `pulumi stack export`. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** One entry of `pulumi stack history --json`. */
export interface HistoryEntry {
  kind: string;
  result: string;
  resourceChanges?: Record<string, number>;
  config?: Record<string, { value?: string; secret?: boolean }>;
}

/** The type tokens of the component's children. */
export const POOL_TYPE = "pulumi-nodejs:dynamic/runner-fleet:RunnerPool";
export const OPERATION_TYPE = "pulumi-nodejs:dynamic/runner-fleet:FleetOperation";
export const FLEET_TYPE = "runner-fleet:index:RunnerFleet";
/** The pool as the provider plugin serves it (a fleet the plugin constructed). */
export const PLUGIN_POOL_TYPE = "runner-fleet:index:RunnerPool";

/** One stack of a project: every command runs with `--stack <name>`. */
export class FleetStack {
  constructor(
    readonly project: PulumiProject,
    readonly name: string,
  ) {}

  /** `stack init` plus the sandbox's endpoints (token and clouds.yaml as secrets) and `config`. */
  static async init(project: PulumiProject, name: string, sandbox: SandboxEndpoints, config: Record<string, string | number> = {}): Promise<FleetStack> {
    await project.pulumi(["stack", "init", name]);
    const stack = new FleetStack(project, name);
    await stack.config("githubUrl", sandbox.githubUrl);
    await stack.config("githubToken", sandbox.githubToken, { secret: true });
    await stack.config("cloudsYaml", sandbox.cloudsYaml, { secret: true });
    for (const [key, value] of Object.entries(config)) await stack.config(key, String(value));
    return stack;
  }

  run(args: string[], options?: RunOptions): Promise<CommandResult> {
    return this.project.pulumi([...args, "--stack", this.name], options);
  }

  async config(key: string, value: string | number, options: { secret?: boolean } = {}): Promise<void> {
    // set-all takes key=value as a flag's value, so a value may start with "-" (e.g. -1).
    await this.run(["config", "set-all", options.secret ? "--secret" : "--plaintext", `${key}=${value}`]);
  }

  /** `pulumi preview --json`; refresh off unless asked (the project may say `refresh: always`). */
  async preview(options: { refresh?: boolean } = {}): Promise<PreviewJson> {
    const { stdout } = await this.run(["preview", "--json", `--refresh=${options.refresh ?? false}`]);
    return JSON.parse(stdout) as PreviewJson;
  }

  /** `pulumi preview`, expected to fail: its output. */
  async failedPreview(): Promise<CommandResult> {
    const result = await this.run(["preview", "--refresh=false", "--diff"], { allowFailure: true });
    if (result.code === 0) throw new Error(`pulumi preview --stack ${this.name} succeeded, a failure was expected:\n${result.stdout}`);
    return result;
  }

  /** `pulumi up`; `refresh` undefined leaves it to the project (`options: refresh: always`). */
  up(options: { refresh?: boolean } = {}): Promise<CommandResult> {
    return this.run(["up", "--yes", "--skip-preview", ...(options.refresh === undefined ? [] : [`--refresh=${options.refresh}`])]);
  }

  refresh(): Promise<CommandResult> {
    return this.run(["refresh", "--yes", "--skip-preview"]);
  }

  destroy(): Promise<CommandResult> {
    return this.run(["destroy", "--yes", "--skip-preview"]);
  }

  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.run(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
  }

  /** `pulumi stack export` as text; `showSecrets` set passes `--show-secrets=<value>`. */
  async exportText(options: { showSecrets?: boolean } = {}): Promise<string> {
    const flag = options.showSecrets === undefined ? [] : [`--show-secrets=${options.showSecrets}`];
    return (await this.run(["stack", "export", ...flag], { showsSecrets: options.showSecrets === true })).stdout;
  }

  async resources(): Promise<StateResource[]> {
    const exported = JSON.parse(await this.exportText()) as { deployment?: { resources?: StateResource[] } };
    return exported.deployment?.resources ?? [];
  }

  /** The runner pool's outputs as stored in the state. */
  async pool(): Promise<Record<string, unknown> & { observed?: { total: number; idle: number; busy: number; offline: number }; runnerNames?: string[] }> {
    const pool = (await this.resources()).find((r) => r.type === POOL_TYPE || r.type === PLUGIN_POOL_TYPE);
    if (!pool) throw new Error(`stack ${this.name} has no runner pool`);
    return pool.outputs ?? {};
  }

  /** `pulumi stack history --json`, newest first. */
  async history(): Promise<HistoryEntry[]> {
    return JSON.parse((await this.run(["stack", "history", "--json", "--show-secrets=false"])).stdout) as HistoryEntry[];
  }

  rm(): Promise<CommandResult> {
    return this.run(["stack", "rm", "--yes", "--force"], { allowFailure: true });
  }

  /**
   * Starts `pulumi <args> --stack <name> --non-interactive` in the background, to be killed half
   * way (see BackgroundCommand.kill).
   */
  async start(args: string[]): Promise<BackgroundCommand> {
    const { binDir } = await ensurePulumiEngine();
    const child = spawn(join(binDir, "pulumi"), [...args, "--stack", this.name, "--non-interactive"], {
      cwd: this.project.dir,
      env: this.project.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const transcript = this.project.transcript;
    return {
      output: () => output,
      exited,
      async kill(scope) {
        // The engine starts each plugin in a process group of its own: a tree kill names them all.
        const victims = scope === "tree" ? [child.pid!, ...(await descendantsOf(child.pid!))] : [child.pid!];
        for (const pid of victims) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        await exited;
        transcript.push(output);
      },
    };
  }
}

/** A `pulumi` command running in the background (FleetStack.start). */
export interface BackgroundCommand {
  output(): string;
  /** Resolves with the exit code (null when killed). */
  exited: Promise<number | null>;
  /**
   * SIGKILL, then resolves once the CLI is gone. `cli`: the `pulumi` process alone (a crash or an
   * OOM kill of the CLI; its plugins are left to notice). `tree`: the CLI and every process under
   * it, language host, program and dynamic provider included (the machine going down).
   */
  kill(scope: "cli" | "tree"): Promise<void>;
}

/** Every process under `pid` (by parent links in /proc). */
async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so parse after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** Processes whose working directory is `dir` or under it (the language host's program, the dynamic provider). */
export async function processesIn(dir: string): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => "");
    if (cwd === dir || cwd.startsWith(`${dir}/`)) {
      const command = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).replaceAll("\0", " ").slice(0, 120);
      found.push({ pid: Number(entry), command });
    }
  }
  return found;
}

/** Steps of a preview for resources of `type`, by operation. */
export function opsOf(preview: PreviewJson, type: string): string[] {
  return preview.steps.filter((s) => (s.newState ?? s.oldState)?.type === type).map((s) => s.op);
}

// --- the test program ---

/**
 * The fleet program of the e2e tests: examples/sandbox's program with more knobs in config
 * (count, flavor, image, repository, waitFor, drain timeout), and no `refresh: always`, so each
 * test says when it refreshes.
 */
export const FLEET_PROGRAM: Record<string, string> = {
  "Pulumi.yaml": `name: fleet-e2e
runtime: nodejs
description: runner-fleet end-to-end tests (a fleet on the sandbox)
`,
  "package.json": JSON.stringify({ name: "fleet-e2e", private: true, main: "index.ts" }, null, 2),
  "tsconfig.json": JSON.stringify(
    { compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", skipLibCheck: true, types: ["node"] }, files: ["index.ts"] },
    null,
    2,
  ),
  "index.ts": `import * as pulumi from "@pulumi/pulumi";
import { RunnerFleet } from "runner-fleet/pulumi";

const config = new pulumi.Config();
const actions = new pulumi.Config("runner-fleet");

const fleet = new RunnerFleet("ci", {
  runners: config.getNumber("runners") ?? 2,
  image: config.get("image") ?? "ubuntu-24.04",
  flavor: config.get("flavor") ?? "m1.small",
  network: "runners-net",
  labels: ["e2e"],
  github: { path: config.get("repository") ?? "acme/app", apiUrl: config.require("githubUrl"), token: config.requireSecret("githubToken") },
  openstack: { cloudsYaml: config.requireSecret("cloudsYaml"), cloud: "sandbox" },
  waitFor: config.get<"none" | "active" | "online">("waitFor") ?? "online",
  waitTimeoutSeconds: 120,
  destroyPolicy: { mode: "drain", timeoutSeconds: config.getNumber("drainSeconds") ?? 120 },
  flush: { trigger: actions.get("flushTrigger") ?? "", mode: actions.get<"idle" | "busy">("flushMode") },
  cleanup: { trigger: actions.get("cleanupTrigger") ?? "" },
});

export const prefix = fleet.prefix;
export const runnerNames = fleet.runnerNames;
export const counts = fleet.counts;
export const operations = fleet.operations;
`,
};

/** A project of FLEET_PROGRAM. It is type-checked by the examples' tests; here ts-node only transpiles (faster). */
export function createFleetProject(): Promise<PulumiProject> {
  return createPulumiProject({ files: FLEET_PROGRAM, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
}

/** A program with no resources at all (the benchmark's baseline). */
export const EMPTY_PROGRAM: Record<string, string> = {
  "Pulumi.yaml": "name: empty-e2e\nruntime: nodejs\n",
  "package.json": JSON.stringify({ name: "empty-e2e", private: true, main: "index.ts" }, null, 2),
  "tsconfig.json": FLEET_PROGRAM["tsconfig.json"] as string,
  "index.ts": `import * as pulumi from "@pulumi/pulumi";

export const stack = pulumi.getStack();
`,
};
