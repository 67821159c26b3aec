/**
 * `reconcile --stack S [--every 5m]`: continuous reconcile through Pulumi (SPEC §5). Each cycle is
 * `up --refresh` targeted at the fleets' runner pools: the refresh shows runners that jobs consumed
 * as drift, so the pool updates and the provider's reconcile replenishes it, issuing the
 * `reconciliation` event. When nothing drifted the pool has nothing to update; the cycle then runs
 * the fleets' cleanup operations (new trigger), whose cleanup + reconcile issues the event, so every
 * cycle reconciles and shows in `pulumi stack history`.
 */
import { formatDuration } from "./duration.js";
import { ExitCode, exitCodeOf, formatError } from "./errors.js";
import { type CliIo, println, sleep } from "./io.js";
import { plural, printJsonLine } from "./output.js";
import { Progress } from "./progress.js";
import type { StackTarget } from "./stack-flags.js";
import { renderReconciliation, renderSteps } from "./stack-render.js";
import { collect, type EngineReport, engineError, openStack, setConfigFor, type Stack } from "./stack-session.js";
import { findPools, type FleetResource, observedOf, OPERATION_TYPES, resourcesOf, urnName } from "./stack-state.js";

/** How to loop. */
export interface StackReconcileRequest extends StackTarget {
  /** Milliseconds between cycle starts (undefined: one cycle). */
  every?: number;
  cycles: number;
  json: boolean;
  verbose: boolean;
}

/** Runs the cycles; the exit code of the last one (a failed cycle is reported and the loop goes on). */
export async function runStackReconcile(request: StackReconcileRequest, io: CliIo, env: Record<string, string | undefined> = io.env): Promise<ExitCode> {
  const progress = new Progress(io);
  progress.start(`selecting stack ${request.stack} in ${request.projectDir}`);
  const stack = await openStack(request, env).finally(() => progress.stop());
  const resources = resourcesOf(await stack.exportStack());
  const pools = findPools(resources, request.stack, request.fleet);
  const cleanups = resources.filter((r) => OPERATION_TYPES.includes(r.type) && pools.some((p) => urnName(r.urn) === `${p.fleet}-cleanup`)).map((r) => r.urn);
  const onStop = (): void => progress.print("stopping after the current cycle (interrupt again to force)");
  io.signal.addEventListener("abort", onStop, { once: true });
  let last: ExitCode = ExitCode.Ok;
  try {
    for (let cycle = 1; cycle <= request.cycles && !io.signal.aborted; cycle++) {
      const start = Date.now();
      try {
        const report = await runCycle(stack, request, { cycle, pools, cleanups }, progress);
        const after = resourcesOf(await stack.exportStack());
        const fleets = pools.map((p) => ({ fleet: p.fleet, observed: observedOf(after, p.urn) }));
        last = ExitCode.Ok;
        if (request.json) printJsonLine(io.stdout, { cycle, at: new Date(start), ok: true, steps: report.steps, reconciliations: reconciliations(report), fleets });
        else printCycle(io, cycle, start, report, fleets);
      } catch (error) {
        progress.stop();
        last = exitCodeOf(error);
        const [first = "", ...rest] = formatError(error, request.verbose);
        const message = first.replace(/^(unexpected )?error: /, "");
        if (request.json) printJsonLine(io.stdout, { cycle, at: new Date(start), ok: false, error: message });
        else println(io.stdout, `${stamp(start)} cycle ${cycle}  failed: ${message}`);
        for (const line of rest) progress.print(line);
      }
      if (cycle < request.cycles) await sleep(Math.max(0, (request.every ?? 0) - (Date.now() - start)), io.signal);
    }
  } finally {
    io.signal.removeEventListener("abort", onStop);
  }
  return last;
}

// --- internal ---

interface Cycle {
  cycle: number;
  pools: FleetResource[];
  /** URNs of the fleets' cleanup operations (reconcile when nothing drifted). */
  cleanups: string[];
}

async function runCycle(stack: Stack, request: StackReconcileRequest, c: Cycle, progress: Progress): Promise<EngineReport> {
  const message = `runner-fleet reconcile --stack ${request.stack}${request.fleet ? ` --fleet ${request.fleet}` : ""} (cycle ${c.cycle})`;
  const { report, onEvent } = collect(request.verbose ? (line) => progress.print(line) : undefined);
  progress.start(`cycle ${c.cycle}: pulumi up --refresh of ${c.pools.map((p) => `${p.fleet}-pool`).join(", ")}`);
  try {
    await stack.up({ refresh: true, target: c.pools.map((p) => p.urn), message, onEvent }).catch((error: unknown) => {
      throw engineError("up --refresh", error, report.logs);
    });
    if (reconciliations(report).length > 0 || c.cleanups.length === 0) return report;
    // Nothing drifted, so the pool did not update: reconcile through the cleanup operations.
    progress.start(`cycle ${c.cycle}: fleet at its size; pulumi up of ${c.cleanups.map(urnName).join(", ")}`);
    await setConfigFor(stack, { "runner-fleet:cleanupTrigger": new Date().toISOString() });
    await stack.up({ target: c.cleanups, message: `${message}: cleanup`, onEvent }).catch((error: unknown) => {
      throw engineError("up", error, report.logs);
    });
    return report;
  } finally {
    progress.stop();
  }
}

function reconciliations(report: EngineReport): Record<string, unknown>[] {
  return report.metrics.filter((m) => m.event === "reconciliation");
}

function printCycle(io: CliIo, cycle: number, start: number, report: EngineReport, fleets: { fleet: string; observed: ReturnType<typeof observedOf> }[]): void {
  const counts = fleets.map((f) => `${f.fleet}: ${f.observed ? `${plural(f.observed.total, "runner")} (${f.observed.idle} idle, ${f.observed.busy} busy)` : "no runners observed"}`);
  println(io.stdout, `${stamp(start)} cycle ${cycle}  ${counts.join("; ")} in ${formatDuration(Date.now() - start)}`);
  for (const line of renderSteps(report.steps)) println(io.stdout, `  ${line}`);
  const events = reconciliations(report);
  for (const event of events) println(io.stdout, `  ${renderReconciliation(event)}`);
  if (events.length === 0) println(io.stdout, "  no reconciliation event: the program has no cleanup operation to reconcile through when nothing drifted");
}

/** Local time of day: what an operator watching the loop compares with the clock. */
function stamp(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}
