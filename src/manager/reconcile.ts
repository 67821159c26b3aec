/**
 * One reconcile cycle from a single observation: cleanup, then create or scale down to the
 * desired count. Steady state costs one VM list and one paginated runner list, nothing per runner.
 */
import type { OperationReport } from "./apply.js";
import type { CreateReport } from "./create.js";
import { describeError } from "./errors.js";
import type { FleetView } from "./fleet-view.js";
import { githubStateOf } from "./fleet-view.js";
import { mergeStats, type MetricsSink } from "./metrics.js";
import { type CleanupRules, type Deletion, planCleanup, planOutdated, planScaleDown, vmsRemoved } from "./plan.js";
import type { Logger } from "./ports.js";
import { GitHubRunnerState, type IssuedMetricEventsStats } from "./types.js";

/** What one reconcile cycle saw and did. */
export interface ReconcileReport {
  desired: number;
  /** Runners (VMs) counted after cleanup, before creating or deleting. */
  observed: number;
  idle: number;
  busy: number;
  created: CreateReport["created"];
  createFailures: CreateReport["failures"];
  deletions: OperationReport["outcomes"];
  stats: IssuedMetricEventsStats;
}

/** What a cycle needs from the manager. */
export interface ReconcileContext {
  observe(): Promise<FleetView>;
  rules(): CleanupRules;
  apply(deletions: Deletion[], retryBusyRunners: boolean): Promise<OperationReport>;
  create(num: number): Promise<CreateReport>;
  metrics: MetricsSink;
  logger: Logger;
  flavor: string;
  now(): Date;
}

/** How a cycle treats busy runners and runners of an older configuration. */
export interface ReconcileOptions {
  /** Scale down without ever selecting a busy runner (default true). */
  soft: boolean;
  /** Replace idle runners whose VM has another config fingerprint than this one. */
  replaceOutdated?: string;
}

/** Runs one cycle and issues the `reconciliation` event even when the cycle throws. */
export async function reconcileFleet(desired: number, options: ReconcileOptions, ctx: ReconcileContext): Promise<ReconcileReport> {
  const { soft, replaceOutdated } = options;
  const started = ctx.now().getTime();
  const report: ReconcileReport = {
    desired, observed: 0, idle: 0, busy: 0, created: [], createFailures: [], deletions: [], stats: {},
  };
  try {
    const view = await ctx.observe();
    const cleanup = planCleanup(view, ctx.rules());
    const outdated = replaceOutdated === undefined ? [] : planOutdated(view, replaceOutdated, cleanup);
    const removed = [...cleanup, ...outdated];
    const current = view.members.length - vmsRemoved(removed);
    report.observed = current;
    const cleaned = new Set(removed.map((d) => d.name));
    for (const member of view.members) {
      if (cleaned.has(member.instance.name) || !member.runner) continue;
      const state = githubStateOf(member.runner);
      if (state === GitHubRunnerState.Busy) report.busy++;
      else if (state === GitHubRunnerState.Idle) report.idle++;
    }
    const scaleDown = planScaleDown(view, Math.max(current - desired, 0), soft, removed);
    const deleted = await ctx.apply([...removed, ...scaleDown], !soft);
    report.deletions = deleted.outcomes;
    report.stats = deleted.stats;
    // A VM that cleanup or the rolling update meant to remove but could not (its runner took a
    // job, or the delete failed) still counts.
    const kept = deleted.outcomes.filter((o) => o.reason !== "scale-down" && (o.vm === "kept" || o.vm === "failed")).length;
    if (current + kept < desired) {
      const created = await ctx.create(desired - current - kept);
      report.created = created.created;
      report.createFailures = created.failures;
    }
    return report;
  } finally {
    await issueReconciliation(report, started, ctx);
  }
}

async function issueReconciliation(report: ReconcileReport, started: number, ctx: ReconcileContext): Promise<void> {
  const stats = mergeStats(report.stats);
  const end = ctx.now().getTime();
  try {
    await ctx.metrics.issue({
      event: "reconciliation",
      timestamp: end / 1000,
      flavor: ctx.flavor,
      crashed_runners: Math.max((stats.runner_start ?? 0) - (stats.runner_stop ?? 0), 0),
      idle_runners: report.idle,
      active_runners: report.busy,
      expected_runners: report.desired,
      duration: Math.max(end - started, 0) / 1000,
    });
  } catch (error) {
    ctx.logger.warn("could not issue reconciliation event", { error: describeError(error) });
  }
}
