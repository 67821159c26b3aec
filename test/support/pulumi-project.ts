/**
 * On-disk Pulumi projects that use runner-fleet the way a user's project does, for the end-to-end
 * tests and the preview benchmark.
 *
 * `installRunnerFleet()` builds the package, `npm pack`s it and installs the tarball (with
 * @pulumi/pulumi, typescript and @types/node) into a directory under the OS temp dir keyed by a
 * hash of everything that goes into the package. That happens ONCE per content: every test file,
 * every later run and the benchmark reuse it (seconds when cached, a minute when not). Not a
 * `file:` link: Pulumi's closure serializer captures a linked package by value (reference
 * pulumi-engine §3.1, §4.2), and the provider process must `require("runner-fleet/pulumi-provider")`
 * from an installed package.
 *
 * `createPulumiProject()` lays out a program directory whose node_modules is a link to that
 * installation, plus its own PULUMI_HOME and file:// backend (`pulumiEnv`: no update check, no
 * plugin downloads, a test passphrase). `FleetStack` drives one stack of it through the real CLI.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { type CommandResult, ensurePulumiEngine, pulumiEnv, repoRoot, runPulumi, scratchDir } from "./pulumi-engine.js";

const exec = promisify(execFile);

/** Bump when the installation recipe below changes, so older cached installations are not reused. */
const RECIPE = 1;
/** Where installations are cached: one directory per content hash. */
const CACHE_ROOT = join(tmpdir(), "runner-fleet-e2e-install");
/**
 * Installations unused for this long are removed (148 MB each; every change to src/ makes a new
 * one). Longer than any test run or benchmark that may still be using one.
 */
const PRUNE_AFTER_MS = 3600_000;

/** The versions the installation takes from the repository's own resolution (the npm cache has them). */
const PINNED = ["@pulumi/pulumi", "typescript", "@types/node"] as const;

/** Packages an installation may add to PINNED, at the repository's versions (infrastructure stacks). */
export type ExtraPackage = "@pulumi/openstack";

async function versionOf(pkg: string): Promise<string> {
  return (JSON.parse(await readFile(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A hash of everything the installed package is made of. */
async function contentHash(packages: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`recipe ${RECIPE}\nnode ${process.versions.node.split(".")[0]}\n`);
  for (const pkg of packages) hash.update(`${pkg}@${await versionOf(pkg)}\n`);
  const files = [...(await filesUnder(join(repoRoot, "src"))), ...["package.json", "tsconfig.json", "tsconfig.build.json", "README.md"].map((f) => join(repoRoot, f))];
  for (const file of files) {
    hash.update(`${relative(repoRoot, file)}\0`);
    hash.update(await readFile(file));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

const installations = new Map<string, Promise<string>>();

/**
 * The directory of an installed runner-fleet (its `node_modules` has runner-fleet from the
 * tarball, @pulumi/pulumi, typescript and @types/node, plus `extras`), built on first use per
 * content. Memoized.
 */
export function installRunnerFleet(extras: readonly ExtraPackage[] = []): Promise<string> {
  const packages = [...PINNED, ...[...extras].sort()];
  const key = packages.join(" ");
  let installation = installations.get(key);
  if (!installation) {
    installation = install(packages).catch((error: unknown) => {
      installations.delete(key);
      throw error;
    });
    installations.set(key, installation);
  }
  return installation;
}

async function install(packages: readonly string[]): Promise<string> {
  const hash = await contentHash(packages);
  const final = join(CACHE_ROOT, hash);
  await mkdir(CACHE_ROOT, { recursive: true });
  await prune(hash);
  if (existsSync(join(final, ".complete"))) {
    const now = new Date();
    await utimes(final, now, now); // mark as recently used, for prune()
    return final;
  }
  const building = join(CACHE_ROOT, `${hash}.building-${process.pid}-${Date.now()}`);
  try {
    await build(building, packages);
    await writeFile(join(building, ".complete"), new Date().toISOString());
    try {
      await rename(building, final);
    } catch (error) {
      // Another process finished the same content first: use theirs.
      if (!existsSync(join(final, ".complete"))) throw error;
    }
    return final;
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

async function build(dir: string, packages: readonly string[]): Promise<void> {
  const stage = join(dir, "stage");
  await mkdir(stage, { recursive: true });
  process.stderr.write(`[pulumi-project] building and installing runner-fleet from npm pack into ${dir} (once per content)\n`);
  // Compile into the stage rather than dist/, which other tasks may be rebuilding at the same time.
  const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
  await exec(process.execPath, [tsc, "-p", join(repoRoot, "tsconfig.build.json"), "--outDir", join(stage, "dist")], { cwd: repoRoot }).catch((error: { stdout?: string; message: string }) => {
    // tsc emits despite type errors; those are the typecheck's to report (`npm test` runs it
    // first). The end-to-end tests run what was emitted, unless nothing was.
    if (!existsSync(join(stage, "dist", "pulumi", "provider-entry.js"))) throw new Error(`compiling runner-fleet failed: ${error.stdout || error.message}`);
    process.stderr.write(`[pulumi-project] WARNING: tsc reported errors; installing what it emitted:\n${error.stdout ?? error.message}\n`);
  });
  for (const file of ["package.json", "README.md"]) await copyFile(join(repoRoot, file), join(stage, file));
  const packed = await exec("npm", ["pack", "--json", "--pack-destination", dir], { cwd: stage });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const manifest = {
    name: "runner-fleet-e2e-install",
    private: true,
    // Relative, so the installation stays valid after the directory is renamed into place.
    dependencies: {
      "runner-fleet": `file:./${filename}`,
      ...Object.fromEntries(await Promise.all(packages.map(async (pkg) => [pkg, await versionOf(pkg)] as const))),
    },
    overrides: { "@types/node": await versionOf("@types/node") },
  };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const npmInstall = (mode: string) => exec("npm", ["install", mode, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
  // Offline from the npm cache when it has everything (seconds); else the registry fills the gaps.
  await npmInstall("--offline").catch(() => npmInstall("--prefer-offline"));
  await rm(stage, { recursive: true, force: true });
}

/** Removes installations unused for an hour, and builds abandoned by killed processes. */
async function prune(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(CACHE_ROOT).catch(() => [] as string[])) {
    if (name === keep) continue;
    const path = join(CACHE_ROOT, name);
    const used = (await stat(path).catch(() => undefined))?.mtimeMs;
    if (used !== undefined && now - used > PRUNE_AFTER_MS) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

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
  await symlink(join(installed, "node_modules"), join(dir, layout.programDir ?? ".", "node_modules"), "dir");
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
    const pool = (await this.resources()).find((r) => r.type === POOL_TYPE);
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
