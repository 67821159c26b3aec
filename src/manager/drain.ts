/**
 * Removing a whole fleet: drain (let busy runners finish their job, up to a timeout) or force
 * (delete every runner now, killing running jobs). Used by `pulumi destroy` and the CLI.
 */
import type { DeletionOutcome, OperationReport } from "./apply.js";
import type { FleetView } from "./fleet-view.js";
import { mergeStats } from "./metrics.js";
import { FlushMode, type IssuedMetricEventsStats } from "./types.js";

/** How to remove the fleet. */
export interface DrainOptions {
  /** `drain` waits for busy runners up to `timeoutSeconds`, then forces; `force` kills at once. */
  mode?: "drain" | "force";
  timeoutSeconds?: number;
  /** Time between two rounds while waiting for busy runners (default 5 s). */
  pollSeconds?: number;
}

/** What removing the fleet did, and what is left (0 and 0 on success). */
export interface DrainReport {
  stats: IssuedMetricEventsStats;
  outcomes: DeletionOutcome[];
  /** True when busy runners were still there at the deadline and were killed. */
  forced: boolean;
  remaining: { vms: number; githubRunners: number };
}

/** What draining needs from the manager. */
export interface DrainContext {
  observe(): Promise<FleetView>;
  /** Deregisters every runner GitHub does not list as busy (soft: a 422 keeps the VM). */
  deleteIdle(count: number): Promise<OperationReport>;
  flush(mode: FlushMode): Promise<OperationReport>;
  cleanup(): Promise<OperationReport>;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Removes every runner of the fleet per `options`; never throws for a single runner's failure. */
export async function drainFleet(options: DrainOptions, ctx: DrainContext): Promise<DrainReport> {
  const { mode = "drain", timeoutSeconds = 600, pollSeconds = 5 } = options;
  const reports: OperationReport[] = [];
  const deadline = ctx.now().getTime() + timeoutSeconds * 1000;
  let view = await ctx.observe();
  let forced = false;
  if (mode === "drain") {
    for (;;) {
      reports.push(await ctx.deleteIdle(view.members.length));
      view = await ctx.observe();
      if (isEmpty(view) || ctx.now().getTime() >= deadline) break;
      await ctx.sleep(pollSeconds * 1000);
    }
  }
  if (!isEmpty(view)) {
    forced = view.members.some((m) => m.runner?.busy);
    reports.push(await ctx.flush(FlushMode.FlushBusy));
    reports.push(await ctx.cleanup());
    view = await ctx.observe();
  }
  return {
    stats: mergeStats(...reports.map((r) => r.stats)),
    outcomes: reports.flatMap((r) => r.outcomes),
    forced,
    remaining: { vms: view.members.length + view.duplicates.length, githubRunners: view.members.filter((m) => m.runner).length + view.dangling.length },
  };
}

function isEmpty(view: FleetView): boolean {
  return view.members.length === 0 && view.dangling.length === 0 && view.duplicates.length === 0;
}
