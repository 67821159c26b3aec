/**
 * The `--stack` flags of flush, cleanup and reconcile, checked without loading Pulumi: with
 * `--stack`, those commands go through the Pulumi Automation API (stack-actions.ts, imported
 * only then), so the rest of the CLI never needs @pulumi/pulumi.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { ConfigError, type Problem } from "../manager/errors.js";
import { UsageError } from "./errors.js";
import type { CliIo } from "./io.js";

/** `--stack`, `--fleet`, `--cwd`: taken by flush, cleanup and reconcile. */
export const stackArgs = {
  stack: { type: "string", description: "Go through Pulumi: run on this stack's fleets (shows in `pulumi stack history`)", valueHint: "stack" },
  fleet: { type: "string", description: "With --stack: only this RunnerFleet (its name in the program)", valueHint: "name" },
  cwd: { type: "string", description: "With --stack: the Pulumi project directory (default: the current one)", valueHint: "dir" },
} as const;

/** `--preview`: flush and cleanup only. */
export const previewArg = {
  preview: { type: "boolean", default: false, description: "With --stack: show what would run (pulumi preview), change nothing" },
} as const;

/** A stack of a Pulumi project on this machine, and the `pulumi` to drive it with. */
export interface StackTarget {
  stack: string;
  /** Absolute path of the project directory (it has a Pulumi.yaml). */
  projectDir: string;
  fleet?: string;
  /** Absolute path of the `pulumi` binary. */
  pulumi: string;
}

/** The flags as citty parsed them (only the ones looked at here). */
export interface StackFlagValues {
  stack?: string;
  fleet?: string;
  cwd?: string;
  preview?: boolean;
}

/**
 * The stack to work on, or undefined without `--stack` (the command then uses its fleet file).
 * Throws a `UsageError` for flags that need `--stack` or conflict with it, and a `ConfigError`
 * (exit 2) when the project directory or the `pulumi` binary is missing.
 */
export function stackTarget(args: StackFlagValues, rawArgs: readonly string[], io: Pick<CliIo, "cwd" | "env">, command: string): StackTarget | undefined {
  const problems: Problem[] = [];
  if (args.stack === undefined) {
    for (const flag of ["fleet", "cwd"] as const) {
      if (args[flag] !== undefined) problems.push({ path: `--${flag}`, message: `goes with --stack (a Pulumi stack); '${command}' without --stack works on a fleet file` });
    }
    if (args.preview) problems.push({ path: "--preview", message: "goes with --stack: a preview is a Pulumi preview of the stack action" });
    throwIf(problems, command);
    return undefined;
  }
  if (args.stack.trim() === "") problems.push({ path: "--stack", message: "needs a stack name, e.g. --stack dev" });
  if (args.fleet !== undefined && args.fleet.trim() === "") problems.push({ path: "--fleet", message: "needs the RunnerFleet's name, e.g. --fleet ci" });
  if (rawArgs.some((a) => a === "--config" || a === "-c" || a.startsWith("--config="))) {
    problems.push({ path: "--config", message: "a fleet file and --stack exclude each other: with --stack the fleet is the stack's" });
  }
  throwIf(problems, command);
  const projectDir = resolve(io.cwd, args.cwd ?? ".");
  if (!["Pulumi.yaml", "Pulumi.yml"].some((f) => existsSync(join(projectDir, f)))) {
    throw new ConfigError([{ path: args.cwd === undefined ? "--cwd" : `--cwd ${args.cwd}`, message: `${projectDir} has no Pulumi.yaml: run in the Pulumi project's directory or name it with --cwd` }]);
  }
  return { stack: args.stack.trim(), projectDir, ...(args.fleet ? { fleet: args.fleet.trim() } : {}), pulumi: requirePulumi(io.env) };
}

/** The `pulumi` binary on the environment's PATH, or undefined. */
export function findPulumi(env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "pulumi");
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

/** How to get a `pulumi` binary on this project's machines (no installer can be downloaded). */
export const PULUMI_MISSING =
  "the `pulumi` CLI is not on PATH. In a checkout of runner-fleet, `bash scripts/pulumi-engine.sh` builds it " +
  "(minutes the first time, then cached; its last output line is the directory to add: " +
  'export PATH="$(bash scripts/pulumi-engine.sh | tail -n1):$PATH"); elsewhere install Pulumi (https://www.pulumi.com/docs/install/)';

/** The `pulumi` binary on PATH; a `ConfigError` (exit 2) saying how to get one when there is none. */
export function requirePulumi(env: Record<string, string | undefined>): string {
  const found = findPulumi(env);
  if (found === undefined) throw new ConfigError([{ path: "pulumi", message: PULUMI_MISSING }]);
  return found;
}

// --- internal ---

function throwIf(problems: Problem[], command: string): void {
  if (problems.length > 0) throw new UsageError(problems, problems.length === 1 ? undefined : `invalid arguments for '${command}'`);
}
