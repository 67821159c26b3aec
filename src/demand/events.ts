/**
 * What a demand source reports, in our own types: job transitions (webhook, scale set, reconcile)
 * and absolute snapshots (scale-set statistics). A source never decides how many runners to run.
 */

/** Where a demand signal came from. */
export type DemandSourceKind = "webhook" | "scale-set" | "reconcile";

/** A job's status as the demand room tracks it; it only ever moves forward. */
export type JobStatus = "queued" | "in_progress" | "completed";

/** Fields every job event carries. */
interface JobEventBase {
  /** GitHub's `workflow_job.id`: the key jobs are de-duplicated on. */
  jobId: number;
  /** `owner/repo`. */
  repository: string;
  /** The job's `runs-on` labels, as GitHub sent them. */
  labels: string[];
  /** When the transition happened (GitHub's timestamp when it sent one, else when it was seen). */
  at: Date;
  source: DemandSourceKind;
  /** `X-GitHub-Delivery` of the webhook delivery that carried the event, if any. */
  deliveryId?: string;
}

/** A job is waiting for a runner. */
export interface JobQueuedEvent extends JobEventBase {
  kind: "job-queued";
}

/** A runner took the job; `runnerName` is undefined only when the source could not tell (reconcile). */
export interface JobStartedEvent extends JobEventBase {
  kind: "job-started";
  runnerName: string | undefined;
}

/** The job finished (any conclusion, including cancelled before it ever started). */
export interface JobCompletedEvent extends JobEventBase {
  kind: "job-completed";
  runnerName?: string;
  conclusion?: string;
}

/** One job transition reported by a demand source. */
export type DemandEvent = JobQueuedEvent | JobStartedEvent | JobCompletedEvent;

/**
 * An absolute picture of demand, as the scale-set listener gets with every message and every 202.
 * It supersedes counts derived from events: batches are truncated at 50 messages, so a
 * statistics-driven source must be scaled on this, never on event counts (reference §1.6, §1.10).
 */
export interface DemandSnapshot {
  source: DemandSourceKind;
  at: Date;
  /** Jobs assigned to the fleet, waiting or running (`totalAssignedJobs`, ARC's scaling signal). */
  assignedJobs: number;
  /** Jobs running on the fleet's runners (`totalRunningJobs`). */
  runningJobs: number;
  /** Runners GitHub counts as registered, busy and idle, when the source reports them. */
  registeredRunners?: number;
  busyRunners?: number;
  idleRunners?: number;
}

/** The status a job event moves the job to. */
export function statusOf(event: DemandEvent): JobStatus {
  if (event.kind === "job-queued") return "queued";
  return event.kind === "job-started" ? "in_progress" : "completed";
}
