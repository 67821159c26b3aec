/**
 * Carries out deletions: deregister on GitHub first, then (per the plan's VM policy) read the
 * VM's console for metrics, delete the VM and issue the events. One failure never aborts the
 * batch; every failure is logged and reported.
 */
import { mapSettled } from "./concurrency.js";
import { describeError } from "./errors.js";
import { parseConsoleMarkers } from "./markers.js";
import { countEvents, type MetricEvent, type MetricsSink, runnerEvents } from "./metrics.js";
import type { Deletion, DeletionReason } from "./plan.js";
import type { CloudInstance, CloudRunnerManager, Logger, RunnerPlatform } from "./ports.js";
import type { IssuedMetricEventsStats } from "./types.js";

/** What became of one planned deletion. */
export interface DeletionOutcome {
  name: string;
  reason: DeletionReason;
  /** GitHub's answer: `none` when there was no runner to deregister. */
  runner: "deleted" | "gone" | "busy" | "failed" | "none";
  /** The VM's fate: `kept` when the policy spared it (busy runner), `none` when there was no VM. */
  vm: "deleted" | "gone" | "kept" | "failed" | "none";
  error?: string;
}

/** The result of an operation that deletes runners. */
export interface OperationReport {
  stats: IssuedMetricEventsStats;
  outcomes: DeletionOutcome[];
}

/** What applying needs. */
export interface ApplyContext {
  cloud: CloudRunnerManager;
  platform: RunnerPlatform;
  metrics: MetricsSink;
  logger: Logger;
  flavor: string;
  concurrency: number;
  /** After a busy runner's VM is gone, ask GitHub once more (FlushBusy, hard scale-down). */
  retryBusyRunners?: boolean;
}

/** Applies `deletions` with bounded concurrency and returns the outcomes and event stats. */
export async function applyDeletions(deletions: readonly Deletion[], ctx: ApplyContext): Promise<OperationReport> {
  const stats: IssuedMetricEventsStats = {};
  const settled = await mapSettled(deletions, ctx.concurrency, async (deletion) => {
    const { outcome, events } = await applyOne(deletion, ctx);
    countEvents(stats, events);
    return outcome;
  });
  const outcomes = settled.map((s, i) =>
    s.ok ? s.value : failedOutcome(deletions[i] as Deletion, s.error),
  );
  return { stats, outcomes };
}

async function applyOne(d: Deletion, ctx: ApplyContext): Promise<{ outcome: DeletionOutcome; events: MetricEvent[] }> {
  const outcome: DeletionOutcome = { name: d.name, reason: d.reason, runner: "none", vm: d.instance ? "kept" : "none" };
  if (d.runnerId !== undefined) outcome.runner = await deregister(d.runnerId, d.name, ctx, outcome);
  const confirmed = outcome.runner === "deleted" || outcome.runner === "gone" || (outcome.runner === "none" && d.runnerId === undefined);
  if (!d.instance || (d.vmPolicy === "if-deregistered" && !confirmed)) {
    if (outcome.runner === "busy") ctx.logger.info("runner is busy on GitHub; keeping its VM", { runner: d.name });
    return { outcome, events: [] };
  }
  const events = await extractEvents(d.instance, ctx);
  try {
    outcome.vm = await ctx.cloud.deleteInstance(d.instance);
  } catch (error) {
    outcome.vm = "failed";
    outcome.error = describeError(error);
    ctx.logger.warn("could not delete VM", { runner: d.name, error: outcome.error });
    return { outcome, events: [] };
  }
  ctx.logger.info("deleted runner", { runner: d.name, reason: d.reason, github: outcome.runner });
  if (outcome.runner === "busy" && ctx.retryBusyRunners && d.runnerId !== undefined) {
    // GitHub refuses to deregister a runner with a job; with its VM gone the job fails and the
    // runner can go now. If GitHub still refuses, cleanup removes it later as dangling.
    outcome.runner = await deregister(d.runnerId, d.name, ctx, outcome);
  }
  const issued = await issueEvents(events, ctx);
  return { outcome, events: issued };
}

async function deregister(id: number, name: string, ctx: ApplyContext, outcome: DeletionOutcome): Promise<DeletionOutcome["runner"]> {
  try {
    return await ctx.platform.deleteRunner(id);
  } catch (error) {
    outcome.error = describeError(error);
    ctx.logger.warn("could not deregister runner on GitHub", { runner: name, error: outcome.error });
    return "failed";
  }
}

/** Reads the VM's console markers and the job from GitHub; never throws (metrics never block deletion). */
async function extractEvents(instance: CloudInstance, ctx: ApplyContext): Promise<MetricEvent[]> {
  try {
    const markers = parseConsoleMarkers(await ctx.cloud.consoleOutput(instance));
    const pre = markers.preJob;
    const runId = pre ? Number(pre.workflowRunId) : NaN;
    const job =
      pre && Number.isSafeInteger(runId) && pre.repository.includes("/")
        ? await ctx.platform.findJob(pre.repository, runId, instance.name).catch((error: unknown) => {
            ctx.logger.debug("job lookup failed", { runner: instance.name, error: describeError(error) });
            return undefined;
          })
        : undefined;
    return runnerEvents(ctx.flavor, instance.createdAt, markers, job);
  } catch (error) {
    ctx.logger.warn("could not extract metrics; deleting anyway", { runner: instance.name, error: describeError(error) });
    return [];
  }
}

async function issueEvents(events: MetricEvent[], ctx: ApplyContext): Promise<MetricEvent[]> {
  const issued: MetricEvent[] = [];
  for (const event of events) {
    try {
      await ctx.metrics.issue(event);
      issued.push(event);
    } catch (error) {
      // Upstream stops the chain at the first failure and keeps what was issued.
      ctx.logger.warn("could not issue metric event", { event: event.event, error: describeError(error) });
      break;
    }
  }
  return issued;
}

function failedOutcome(d: Deletion, error: unknown): DeletionOutcome {
  return { name: d.name, reason: d.reason, runner: "failed", vm: d.instance ? "failed" : "none", error: describeError(error) };
}
