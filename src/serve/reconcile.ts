/**
 * The timers of `serve`: a cycle every tick whatever happens (idle timeouts, schedules), and the
 * full reconcile every period (SPEC §9: the safety net, so a lost event costs at most one period,
 * never a job): redeliver missed deliveries, re-check the jobs thought queued, clean up, prune the
 * store, refresh the gauges, re-read the config, then a cycle. Each step's failure is logged and
 * the rest goes on; timers never overlap their own runs.
 */
import type { HookDeliveries, JobLookup, DemandSink } from "../demand/ports.js";
import { recoverMissedDeliveries } from "../demand/recovery.js";
import { reconcileQueuedJobs } from "../demand/reconcile-jobs.js";
import type { DemandStore } from "../demand/store.js";
import { describeError } from "../manager/errors.js";
import type { Logger } from "../manager/ports.js";
import type { RunnerManager } from "../manager/runner-manager.js";
import type { AutoscaleController } from "./controller.js";
import type { ServeMetrics } from "./metrics.js";

/** What the periodic work needs. */
export interface ReconcileLoopOptions {
  controller: AutoscaleController;
  store: DemandStore;
  manager: RunnerManager;
  jobs: JobLookup;
  deliveries?: HookDeliveries;
  sink: DemandSink;
  logger: Logger;
  metrics: Pick<ServeMetrics, "setQueuedJobs" | "countDeletion">;
  reload?: () => Promise<void>;
  reconcileSeconds: number;
  tickSeconds: number;
  /** Run the full reconcile at once (recovery on start could not run). */
  fullReconcileNow: boolean;
}

/** Starts the timers; `stop()` clears them (a run in progress finishes on its own). */
export function startReconcile(o: ReconcileLoopOptions): { stop(): void; fullReconcile(): Promise<void> } {
  let running: Promise<void> | undefined;
  const full = (): Promise<void> => (running ??= fullReconcile(o).finally(() => (running = undefined)));
  const tick = setInterval(() => o.controller.request(), o.tickSeconds * 1000);
  const period = setInterval(() => void full(), o.reconcileSeconds * 1000);
  tick.unref();
  period.unref();
  if (o.fullReconcileNow) void full();
  else o.controller.request();
  return {
    stop() {
      clearInterval(tick);
      clearInterval(period);
    },
    fullReconcile: full,
  };
}

async function fullReconcile(o: ReconcileLoopOptions): Promise<void> {
  const step = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      o.logger.warn(`reconcile: ${what} failed; the next period tries again`, { error: describeError(error) });
    }
  };
  if (o.deliveries) {
    const deliveries = o.deliveries;
    await step("recovering missed deliveries", async () => {
      const result = await recoverMissedDeliveries({ deliveries, store: o.store, logger: o.logger });
      if (result.status === "done" && result.redelivered > 0) o.logger.info(`reconcile: asked GitHub to redeliver ${result.redelivered} missed deliveries`);
    });
  }
  await step("re-checking queued jobs", () => reconcileQueuedJobs({ jobs: o.jobs, store: o.store, sink: o.sink, logger: o.logger }));
  await step("cleanup", async () => {
    const report = await o.manager.cleanupWithReport();
    for (const outcome of report.outcomes) o.metrics.countDeletion(outcome.vm === "failed" ? "failed" : "deleted", outcome.reason);
  });
  await step("pruning the store", () => o.store.prune(new Date()));
  await step("counting queued jobs", async () => o.metrics.setQueuedJobs(await o.store.countJobs("queued")));
  if (o.reload) await step("re-reading the fleet's settings", o.reload);
  o.controller.request();
}
