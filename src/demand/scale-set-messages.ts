/**
 * Scale-set messages as demand (events.ts), pure: statistics become an absolute snapshot, and
 * JobStarted/JobCompleted become job events (JobAvailable and JobAssigned are not events: the
 * statistics already count them, reference §1.7, §1.10). Events are de-duplicated because
 * messages can be redelivered and assignments repeated (§1.6, §1.7, §2).
 */
import type { DemandEvent, DemandSnapshot } from "./events.js";
import type { ScaleSetJobMessage, ScaleSetStatistics } from "./ports.js";

/** The snapshot of one set of statistics; `totalAssignedJobs` is ARC's scaling signal (§1.10). */
export function toSnapshot(statistics: ScaleSetStatistics, at: Date): DemandSnapshot {
  return {
    source: "scale-set",
    at,
    assignedJobs: statistics.assignedJobs,
    runningJobs: statistics.runningJobs,
    registeredRunners: statistics.registeredRunners,
    busyRunners: statistics.busyRunners,
    idleRunners: statistics.idleRunners,
  };
}

/** A set that forgets its oldest members past `limit`, so a long-running listener stays small. */
export class BoundedSet<T> {
  readonly #items = new Set<T>();
  constructor(readonly limit: number) {}

  /** Adds `value`; false when it was already there. */
  add(value: T): boolean {
    if (this.#items.has(value)) return false;
    this.#items.add(value);
    // Sets iterate in insertion order, so the first is the oldest.
    if (this.#items.size > this.limit) this.#items.delete(this.#items.values().next().value as T);
    return true;
  }

  /** Whether `value` is remembered. */
  has(value: T): boolean {
    return this.#items.has(value);
  }
}

/**
 * Turns job messages into job events. Events are keyed by a number (`workflow_job.id` for
 * webhooks) while this wire's `jobId` is a string (§1.7): a decimal `jobId` is used as it is
 * (then it matches webhooks and REST), anything else (a GUID, nothing) falls back to
 * `runnerRequestId`. The first key seen for a request is remembered, so every message of one
 * job request gets the same key even if only some carry a decimal `jobId`.
 */
export class JobEventMapper {
  readonly #seen = new BoundedSet<string>(10_000);
  readonly #keys = new Map<number, number>();

  /** The job event of a message; undefined for kinds that are not events, and for repeats. */
  toEvent(job: ScaleSetJobMessage, now: Date): DemandEvent | undefined {
    if (job.type !== "JobStarted" && job.type !== "JobCompleted") return undefined;
    // A JobCompleted that no runner took is a cancelled assignment, requeued up to 3 times
    // (§1.7), or a job cancelled while waiting: not the end of a run. Forwarding it would mark
    // the job completed before the reassigned run starts; the statistics carry the demand.
    if (job.type === "JobCompleted" && !job.runnerName) return undefined;
    const jobId = this.jobKey(job);
    const base = { jobId, repository: job.repository, labels: [...job.labels], at: job.at ?? now, source: "scale-set" as const };
    const event: DemandEvent =
      job.type === "JobStarted"
        ? { ...base, kind: "job-started", runnerName: job.runnerName || undefined }
        : { ...base, kind: "job-completed", runnerName: job.runnerName, ...(job.result ? { conclusion: job.result } : {}) };
    return this.#seen.add(`${event.kind}:${jobId}:${job.runnerName ?? ""}`) ? event : undefined;
  }

  /** The numeric key a job request's events share. */
  jobKey(job: ScaleSetJobMessage): number {
    const known = this.#keys.get(job.runnerRequestId);
    if (known !== undefined) return known;
    const id = /^\d+$/.test(job.jobId) ? Number(job.jobId) : Number.NaN;
    const key = Number.isSafeInteger(id) && id > 0 ? id : job.runnerRequestId;
    this.#keys.set(job.runnerRequestId, key);
    if (this.#keys.size > 10_000) this.#keys.delete(this.#keys.keys().next().value as number);
    return key;
  }
}
