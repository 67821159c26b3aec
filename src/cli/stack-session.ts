/**
 * One stack through the Pulumi Automation API: selecting it, running preview/up while collecting
 * what runner-fleet's resources plan and log, and setting config keys for a while. Loaded only for
 * `--stack` (stack-actions.ts, stack-reconcile.ts) and the Pulumi demo.
 */
import { basename, dirname } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, FleetError } from "../manager/errors.js";
import type { StackTarget } from "./stack-flags.js";
import { OPERATION_TYPES, POOL_TYPES, urnName } from "./stack-state.js";

// `@pulumi/pulumi/automation` has no ESM entry (the package has no exports map): reach it through the main module.
const { LocalWorkspace, PulumiCommand, StackNotFoundError } = pulumi.automation;

/** A selected stack. */
export type Stack = pulumi.automation.Stack;
type EngineEvent = pulumi.automation.EngineEvent;

/** A step the engine planned or took for one of runner-fleet's resources. */
export interface Step {
  op: string;
  /** `ci-flush`, `ci-pool`. */
  name: string;
  kind: "pool" | "operation";
}

/** What one engine run showed of runner-fleet: its steps, the provider's log lines and metric events. */
export interface EngineReport {
  steps: Step[];
  /** `runner-fleet info: …` / `warning` / `error` lines from the providers, without the prefix. */
  logs: string[];
  /** Metric events the providers issued (SPEC §4: also Pulumi log lines). */
  metrics: Record<string, unknown>[];
}

/** Selects (or with `create`, creates) `target.stack` of the project in `target.projectDir` with `target.pulumi`. */
export async function openStack(target: StackTarget, env: Record<string, string | undefined>, options: { create?: boolean } = {}): Promise<Stack> {
  const envVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  // PulumiCommand takes an installation root (root/bin/pulumi); a `pulumi` elsewhere is run from PATH.
  const binDir = dirname(target.pulumi);
  const pulumiCommand = await PulumiCommand.get(basename(binDir) === "bin" ? { root: dirname(binDir) } : {}).catch((error: unknown) => {
    throw new FleetError("pulumi_unusable", `cannot use ${target.pulumi}: ${firstLine(error)}`, { cause: error });
  });
  try {
    const args = { stackName: target.stack, workDir: target.projectDir };
    return await (options.create ? LocalWorkspace.createStack(args, { envVars, pulumiCommand }) : LocalWorkspace.selectStack(args, { envVars, pulumiCommand }));
  } catch (error) {
    if (error instanceof StackNotFoundError) {
      throw new ConfigError([{ path: `--stack ${target.stack}`, message: `no such stack in ${target.projectDir} (see \`pulumi stack ls\` there)` }]);
    }
    throw engineError(options.create ? "stack init" : "stack select", error);
  }
}

/** Callbacks for preview/up that fill an `EngineReport`; `onLog` sees each provider line as it comes. */
export function collect(onLog?: (line: string) => void): { report: EngineReport; onEvent: (event: EngineEvent) => void } {
  const report: EngineReport = { steps: [], logs: [], metrics: [] };
  const onEvent = (event: EngineEvent): void => {
    const step = event.resourcePreEvent?.metadata;
    if (step && (POOL_TYPES.includes(step.type) || OPERATION_TYPES.includes(step.type)) && !["same", "refresh", "read"].includes(step.op)) {
      report.steps.push({ op: step.op, name: urnName(step.urn), kind: POOL_TYPES.includes(step.type) ? "pool" : "operation" });
    }
    const diagnostic = event.diagnosticEvent;
    // The engine also sends "debug" diagnostics (not in the type): whole resource payloads, skipped.
    if (!diagnostic || !SEVERITIES.has(diagnostic.severity)) return;
    for (const raw of diagnostic.message.split("\n")) {
      const line = raw.trim();
      const metric = /^runner-fleet metric: (\{.*\})$/.exec(line)?.[1];
      if (metric !== undefined) report.metrics.push(parse(metric));
      else if (line.startsWith("runner-fleet ")) report.logs.push(line.slice("runner-fleet ".length));
      else if (line && (diagnostic.severity === "error" || diagnostic.severity === "warning")) report.logs.push(`${diagnostic.severity}: ${line}`);
      else continue;
      onLog?.(line);
    }
  };
  return { report, onEvent };
}

/** Sets `values` on the stack and returns a function that puts the previous values back. */
export async function setConfigFor(stack: Stack, values: Record<string, string>): Promise<() => Promise<void>> {
  const before = await stack.getAllConfig();
  await stack.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }])));
  return async () => {
    const keys = Object.keys(values);
    const had = keys.filter((k) => before[k] !== undefined);
    const absent = keys.filter((k) => before[k] === undefined);
    if (had.length > 0) await stack.setAllConfig(Object.fromEntries(had.map((k) => [k, before[k] as pulumi.automation.ConfigValue])));
    if (absent.length > 0) await stack.removeAllConfig(absent);
  };
}

/** A `pulumi <what>` failure as a `FleetError` with the engine's own error lines (exit code 1). */
export function engineError(what: string, error: unknown, logs: readonly string[] = []): FleetError {
  const reported = logs.filter((l) => l.startsWith("error:"));
  const detail = reported.length > 0 ? reported.join("; ") : errorLines(error);
  return new FleetError("pulumi_failed", `pulumi ${what} failed: ${detail}`, { cause: error });
}

// --- internal ---

const SEVERITIES = new Set<string>(["info", "info#err", "warning", "error"]);

function parse(json: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { unparsed: json };
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split("\n")[0] ?? "";
}

/** The meaningful lines of a CommandError's message (it carries the whole stdout and stderr). */
function errorLines(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => /^error:|^\s*error:|failed/i.test(l));
  return (lines.length > 0 ? lines.slice(0, 5) : text.trim().split("\n").slice(-5)).join("; ");
}
