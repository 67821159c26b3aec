/**
 * Metric events with upstream's names and fields (reference/canonical-runner-manager.md §5), so
 * existing dashboards keep working. Building events is pure; writing them is a `MetricsSink`.
 */
import type { ConsoleMetrics } from "./markers.js";
import type { JobInfo } from "./ports.js";
import type { IssuedMetricEventsStats, MetricEventName } from "./types.js";

interface BaseEvent {
  event: MetricEventName;
  /** UNIX seconds. */
  timestamp: number;
  /** The manager's name. */
  flavor: string;
}

/** A runner finished installing: `duration` from VM creation to the `installed` marker. */
export interface RunnerInstalled extends BaseEvent {
  event: "runner_installed";
  duration: number;
}

/** A runner picked up a job. */
export interface RunnerStart extends BaseEvent {
  event: "runner_start";
  workflow: string;
  repo: string;
  github_event: string;
  idle: number;
  queue_duration: number | null;
}

/** A runner's job ended. */
export interface RunnerStop extends BaseEvent {
  event: "runner_stop";
  workflow: string;
  repo: string;
  github_event: string;
  status: string;
  status_info: { code: number } | null;
  job_duration: number;
  job_conclusion: string | null;
}

/** One reconcile cycle ended. */
export interface Reconciliation extends BaseEvent {
  event: "reconciliation";
  crashed_runners: number;
  idle_runners: number;
  active_runners: number;
  expected_runners: number | null;
  duration: number;
}

/** Any metric event. */
export type MetricEvent = RunnerInstalled | RunnerStart | RunnerStop | Reconciliation;

/** Where events go (a JSON-lines file, a Pulumi log, a test array). */
export interface MetricsSink {
  issue(event: MetricEvent): Promise<void>;
}

/** Drops every event. */
export const noMetrics: MetricsSink = { async issue() {} };

const seconds = (date: Date): number => date.getTime() / 1000;
const nonNegative = (value: number): number => Math.max(0, value);

/**
 * The runner events a deleted VM's console supports, in upstream's order (installed → start →
 * stop). Durations are clamped at 0: GitHub sometimes reports started_at < created_at, and a
 * cancelled job can write post-job before pre-job.
 */
export function runnerEvents(
  flavor: string,
  createdAt: Date,
  consoleMetrics: ConsoleMetrics,
  job: JobInfo | undefined,
): MetricEvent[] {
  const { installed, preJob, postJob } = consoleMetrics;
  if (!installed) return [];
  const events: MetricEvent[] = [
    {
      event: "runner_installed",
      timestamp: installed.timestamp,
      flavor,
      duration: nonNegative(installed.timestamp - seconds(createdAt)),
    },
  ];
  if (!preJob) return events;
  const common = { flavor, workflow: preJob.workflow, repo: preJob.repository, github_event: preJob.event };
  events.push({
    event: "runner_start",
    timestamp: preJob.timestamp,
    ...common,
    idle: nonNegative(preJob.timestamp - installed.timestamp),
    queue_duration: job?.startedAt ? nonNegative(seconds(job.startedAt) - seconds(job.createdAt)) : null,
  });
  if (!postJob) return events;
  events.push({
    event: "runner_stop",
    timestamp: postJob.timestamp,
    ...common,
    status: postJob.status,
    status_info: postJob.statusInfo ?? null,
    job_duration: nonNegative(postJob.timestamp - preJob.timestamp),
    job_conclusion: job?.conclusion ?? null,
  });
  return events;
}

/** Adds +1 per event type issued for one runner into `stats`. */
export function countEvents(stats: IssuedMetricEventsStats, events: readonly MetricEvent[]): void {
  for (const name of new Set(events.map((e) => e.event))) stats[name] = (stats[name] ?? 0) + 1;
}

/** Sums stats dictionaries key by key. */
export function mergeStats(...all: IssuedMetricEventsStats[]): IssuedMetricEventsStats {
  const merged: IssuedMetricEventsStats = {};
  for (const stats of all) {
    for (const [name, count] of Object.entries(stats) as [MetricEventName, number][]) {
      merged[name] = (merged[name] ?? 0) + count;
    }
  }
  return merged;
}

/** Serializes an event as one JSON line, omitting undefined fields as upstream omits None. */
export function formatEvent(event: MetricEvent): string {
  return JSON.stringify(event);
}
