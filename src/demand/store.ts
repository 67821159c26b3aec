/**
 * The demand store port (SPEC §9 "Durability"): deliveries seen, jobs, in-flight creations and a
 * small key/value. `SqliteDemandStore` serves it for one machine; a PostgreSQL store can serve
 * the same port for several, so every method is async and every claim is a database decision.
 */
import type { DemandEvent, JobStatus } from "./events.js";

/** A job as the store knows it; times are GitHub's when it sent them. */
export interface JobRecord {
  id: number;
  repository: string;
  labels: string[];
  status: JobStatus;
  queuedAt?: Date;
  startedAt?: Date;
  completedAt?: Date;
  runnerName?: string;
  /** The latest time of any event applied to the job (what abandoned-job pruning looks at). */
  updatedAt: Date;
}

/** Which jobs `listJobs` returns; every field narrows, none is required. */
export interface JobFilter {
  status?: JobStatus;
  /** Only jobs with a larger id: a cursor for passes that walk the jobs a batch at a time. */
  afterId?: number;
  /** Only jobs whose latest event is older than this. */
  updatedBefore?: Date;
  limit?: number;
}

/** What applying one event did: a new job, a forward move, or nothing (duplicate or stale). */
export type JobChange = "created" | "advanced" | "unchanged";

/** State of one runner creation a controller has claimed. */
export type CreationState = "creating" | "created" | "failed";

/** A runner creation claimed by a controller, so a second controller does not make it too. */
export interface CreationRecord {
  runnerName: string;
  /** The claiming controller's id. */
  owner: string;
  state: CreationState;
  claimedAt: Date;
  finishedAt?: Date;
}

/** How long finished records are kept; defaults in `DEFAULT_RETENTION`. */
export interface Retention {
  /** Delivery GUIDs; GitHub only redelivers deliveries of the past 3 days. */
  deliveriesMs: number;
  /** Completed jobs and finished (created or failed) creations. */
  finishedMs: number;
  /** Jobs never seen completing and creations stuck in "creating": well past GitHub's limits. */
  abandonedMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Default retention. A self-hosted job may wait 24 h in the queue and run 5 days, so 7 days
 * without news means GitHub has ended it.
 * https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#usage-limits
 * https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries
 */
export const DEFAULT_RETENTION: Retention = { deliveriesMs: 3 * DAY_MS, finishedMs: DAY_MS, abandonedMs: 7 * DAY_MS };

/** How many rows one `prune` removed. */
export interface PruneResult {
  deliveries: number;
  jobs: number;
  creations: number;
}

/** Everything the store can do, inside or outside a transaction. */
export interface DemandStoreOps {
  /** Records a delivery GUID; false when it was already recorded (a redelivery or a duplicate). */
  recordDelivery(guid: string, receivedAt: Date): Promise<boolean>;
  hasDelivery(guid: string): Promise<boolean>;
  /** The latest `receivedAt` ever recorded; survives pruning (kept in the key/value). */
  lastDeliveryAt(): Promise<Date | undefined>;
  getValue(key: string): Promise<string | undefined>;
  setValue(key: string, value: string): Promise<void>;
  /** Applies a job event forward-only and idempotently (see `advanceJob`). */
  applyJobEvent(event: DemandEvent): Promise<{ change: JobChange; job: JobRecord }>;
  getJob(id: number): Promise<JobRecord | undefined>;
  /** Jobs matching `filter`, by ascending id (GitHub's job ids grow over time). */
  listJobs(filter?: JobFilter): Promise<JobRecord[]>;
  countJobs(status: JobStatus): Promise<number>;
  /** Claims a runner name for creation; false when that name is already claimed by anyone. */
  claimCreation(claim: { runnerName: string; owner: string; at: Date }): Promise<boolean>;
  /** Marks a claimed creation finished; false when no "creating" claim of that name exists. */
  finishCreation(runnerName: string, state: "created" | "failed", at: Date): Promise<boolean>;
  listCreations(filter?: { state?: CreationState; owner?: string }): Promise<CreationRecord[]>;
  /** Deletes what `retention` says is no longer needed, as of `now`. */
  prune(now: Date, retention?: Partial<Retention>): Promise<PruneResult>;
}

/** The durable demand record shared by the controllers of one fleet. */
export interface DemandStore extends DemandStoreOps {
  /**
   * Runs `fn` atomically and serialized against every other transaction on the same store, in
   * this process and in others (SQLite: BEGIN IMMEDIATE), so "read supply, decide, insert
   * claims" cannot interleave. Keep `fn` short and free of network calls: it holds the write lock.
   */
  transaction<T>(fn: (tx: DemandStoreOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
