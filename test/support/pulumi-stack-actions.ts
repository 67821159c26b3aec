/**
 * Running the CLI's `--stack` commands in-process against an on-disk project of
 * test/support/pulumi-project.ts: the CLI gets the project's environment (the engine on PATH, its
 * PULUMI_HOME, file backend and passphrase), so its Automation API calls reach the same stacks as
 * the project's `pulumi` commands.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type CliRun, runCapturedCli } from "./cli.js";
import type { FleetStack, PulumiProject } from "./pulumi-project.js";

/** Runs `runner-fleet <argv>` in the project's directory with its environment (stderr is not a terminal). */
export function runStackCli(project: Pick<PulumiProject, "dir" | "env">, argv: string[], options: { signal?: AbortSignal } = {}): Promise<CliRun> {
  return runCapturedCli(project.dir, argv, { env: project.env, ...options });
}

/** One entry of `pulumi stack history --json` with the fields the tests read. */
export interface HistoryRecord {
  kind: string;
  result: string;
  message?: string;
  resourceChanges?: Record<string, number>;
}

/** `pulumi stack history --json`, newest first. */
export async function historyOf(stack: FleetStack): Promise<HistoryRecord[]> {
  return JSON.parse((await stack.run(["stack", "history", "--json", "--show-secrets=false"])).stdout) as HistoryRecord[];
}

/** The text of the stack's config file (Pulumi.<stack>.yaml), to compare before and after. */
export function configFileOf(stack: FleetStack): Promise<string> {
  return readFile(join(stack.project.dir, `Pulumi.${stack.name}.yaml`), "utf8");
}
