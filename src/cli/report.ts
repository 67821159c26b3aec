/** How the manager's reports read on a terminal: runner tables, outcome tables, totals lines. */
import type { DeletionOutcome, OperationReport } from "../manager/apply.js";
import type { CreateReport } from "../manager/create.js";
import { describeError } from "../manager/errors.js";
import type { ReconcileReport } from "../manager/reconcile.js";
import type { IssuedMetricEventsStats, RunnerInstance } from "../manager/types.js";
import { formatDuration } from "./duration.js";
import { formatAge, plural, renderTable } from "./output.js";

/** Runners by GitHub state; `unknown` counts VMs GitHub does not list (booting, or gone). */
export interface FleetCounts {
  total: number;
  idle: number;
  busy: number;
  offline: number;
  unknown: number;
}

/** Counts a list of runners the way `RunnerManager.counts()` does, without a second observation. */
export function countRunners(runners: readonly RunnerInstance[]): FleetCounts {
  const counts: FleetCounts = { total: runners.length, idle: 0, busy: 0, offline: 0, unknown: 0 };
  for (const r of runners) counts[r.githubState ?? "unknown"]++;
  return counts;
}

/** The status table: one row per VM of the fleet. */
export function renderRunners(runners: readonly RunnerInstance[], now: Date): string {
  const rows = [...runners]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.name.localeCompare(b.name))
    .map((r) => [r.name, r.githubState ?? "-", r.cloudState, r.health, formatAge(r.createdAt, now), r.fingerprint?.slice(0, 8) ?? "-"]);
  return renderTable(["name", "github", "cloud", "health", { header: "age", align: "right" }, "fingerprint"], rows);
}

/** `3 runners: 2 idle, 1 busy, 0 offline, 0 not on GitHub`. */
export function countsLine(c: FleetCounts): string {
  return `${plural(c.total, "runner")}: ${c.idle} idle, ${c.busy} busy, ${c.offline} offline, ${c.unknown} not on GitHub`;
}

/** The create outcome table: one row per runner attempted. */
export function renderCreate(report: CreateReport): string {
  const rows = [
    ...report.created.map((i) => [i.name, "created", i.id]),
    ...report.failures.map((f) => [f.name, "failed", describeError(f.error)]),
  ];
  return renderTable(["name", "result", "server / error"], rows);
}

/** `created 7 of 10 runners, 3 failed`. */
export function createTotals(report: CreateReport, requested: number): string {
  const failed = report.failures.length > 0 ? `, ${report.failures.length} failed` : "";
  return `created ${report.created.length} of ${plural(requested, "runner")}${failed}`;
}

/** A create report as JSON: servers created, and each failure's message. */
export interface CreateReportJson {
  created: { id: string; name: string; state: string; createdAt: Date }[];
  failures: { name: string; error: string }[];
}

/** The create report with errors as messages (an `Error` has no JSON form). */
export function createReportJson(report: CreateReport): CreateReportJson {
  return {
    created: report.created.map(({ id, name, state, createdAt }) => ({ id, name, state, createdAt })),
    failures: report.failures.map((f) => ({ name: f.name, error: describeError(f.error) })),
  };
}

/** The deletion outcome table: what GitHub answered and what became of the VM. */
export function renderOutcomes(outcomes: readonly DeletionOutcome[]): string {
  const rows = outcomes.map((o) => [o.name, o.reason, o.runner, o.vm, o.error ?? ""]);
  return renderTable(["name", "reason", "github", "vm", "error"], rows);
}

/** Whether a planned deletion failed on either side. */
export function isFailedOutcome(o: DeletionOutcome): boolean {
  return o.runner === "failed" || o.vm === "failed";
}

/** `deleted 2 runners, kept 1 busy, 1 failed`. */
export function outcomeTotals(report: OperationReport): string {
  const failed = report.outcomes.filter(isFailedOutcome).length;
  const kept = report.outcomes.filter((o) => !isFailedOutcome(o) && o.vm === "kept").length;
  const deleted = report.outcomes.length - failed - kept;
  const parts = [`deleted ${plural(deleted, "runner")}`];
  if (kept > 0) parts.push(`kept ${kept} busy`);
  if (failed > 0) parts.push(`${failed} failed`);
  return parts.join(", ");
}

/** `metric events issued: runner_installed 2, runner_stop 1` (or `none`). */
export function statsLine(stats: IssuedMetricEventsStats): string {
  const parts = Object.entries(stats)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([name, n]) => `${name} ${n}`);
  return `metric events issued: ${parts.length > 0 ? parts.join(", ") : "none"}`;
}

/** One reconcile cycle in one line: observed, created, deleted, idle, busy, failures, time. */
export function reconcileLine(report: ReconcileReport, elapsedMs: number): string {
  const deleted = report.deletions.filter((o) => !isFailedOutcome(o) && o.vm !== "kept").length;
  const failed = report.createFailures.length + report.deletions.filter(isFailedOutcome).length;
  const parts = [
    `desired ${report.desired}`,
    `observed ${report.observed}`,
    `created ${report.created.length}`,
    `deleted ${deleted}`,
    `idle ${report.idle}`,
    `busy ${report.busy}`,
  ];
  if (failed > 0) parts.push(`failed ${failed}`);
  return `${parts.join("  ")}  (${formatDuration(elapsedMs)})`;
}

/** A reconcile report as JSON, with errors as messages. */
export type ReconcileReportJson = Omit<ReconcileReport, "created" | "createFailures"> & {
  created: CreateReportJson["created"];
  createFailures: CreateReportJson["failures"];
};

/** The reconcile report with errors as messages. */
export function reconcileReportJson(report: ReconcileReport): ReconcileReportJson {
  const { created, createFailures, ...rest } = report;
  const create = createReportJson({ created, failures: createFailures });
  return { ...rest, created: create.created, createFailures: create.failures };
}
