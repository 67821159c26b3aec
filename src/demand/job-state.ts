/**
 * The job state machine, pure: events only move a job forward (queued < in_progress < completed,
 * GARM's ranks), because GitHub does not promise delivery order and `in_progress` can arrive
 * before `queued`. Applying the same event twice changes nothing.
 * https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks
 */
import { type DemandEvent, type JobStatus, statusOf } from "./events.js";
import type { JobChange, JobRecord } from "./store.js";

const RANK: Record<JobStatus, number> = { queued: 1, in_progress: 2, completed: 3 };

/** Whether moving from `from` to `to` is a step forward. */
export function isForward(from: JobStatus, to: JobStatus): boolean {
  return RANK[to] > RANK[from];
}

/**
 * The job after `event`. A late event still fills facts the job lacks (a `queued` arriving after
 * `in_progress` supplies the queue time for job-wait metrics) without moving its status back.
 * Returns `existing` itself when nothing at all differs, so callers can skip the write.
 */
export function advanceJob(existing: JobRecord | undefined, event: DemandEvent): { change: JobChange; job: JobRecord } {
  const status = statusOf(event);
  const runnerName = event.kind === "job-queued" ? undefined : event.runnerName;
  if (!existing) {
    const job: JobRecord = { id: event.jobId, repository: event.repository, labels: [...event.labels], status, updatedAt: event.at };
    setTime(job, status, event.at);
    if (runnerName) job.runnerName = runnerName;
    return { change: "created", job };
  }
  const forward = isForward(existing.status, status);
  const job: JobRecord = { ...existing, status: forward ? status : existing.status };
  setTime(job, status, event.at);
  if (runnerName && (forward || !job.runnerName)) job.runnerName = runnerName;
  if (event.at > job.updatedAt) job.updatedAt = event.at;
  if (!forward && sameJob(existing, job)) return { change: "unchanged", job: existing };
  return { change: forward ? "advanced" : "unchanged", job };
}

// --- internal ---

function setTime(job: JobRecord, status: JobStatus, at: Date): void {
  const key = status === "queued" ? "queuedAt" : status === "in_progress" ? "startedAt" : "completedAt";
  if (!job[key]) job[key] = at;
}

function sameJob(a: JobRecord, b: JobRecord): boolean {
  return (
    a.status === b.status &&
    a.runnerName === b.runnerName &&
    a.queuedAt?.getTime() === b.queuedAt?.getTime() &&
    a.startedAt?.getTime() === b.startedAt?.getTime() &&
    a.completedAt?.getTime() === b.completedAt?.getTime() &&
    a.updatedAt.getTime() === b.updatedAt.getTime()
  );
}
