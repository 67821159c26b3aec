/**
 * The demand room's ports, in our types only (no Octokit types): the port every demand source
 * implements, the sink `serve` hands it, and the GitHub calls webhook recovery needs. The Octokit
 * adapter for `HookDeliveries` and `JobLookup` belongs in src/github; tests use fakes.
 */
import type { DemandEvent, DemandSnapshot } from "./events.js";

/**
 * Receives what a source observes. Both methods resolve once the signal is recorded, so a source
 * that must acknowledge upstream (the scale-set listener deletes messages) can do so only after.
 */
export interface DemandSink {
  /** One job transition, already de-duplicated and forward-only. */
  event(event: DemandEvent): Promise<void>;
  /** An absolute snapshot of demand; sources that only see events never call it. */
  snapshot(snapshot: DemandSnapshot): Promise<void>;
}

/** How a source is doing, for `/readyz` and logs; `detail` never holds a secret. */
export interface DemandSourceStatus {
  connected: boolean;
  detail: string;
}

/**
 * A demand source: the webhook receiver, or (later) the scale-set long-poll listener. `start`
 * resolves once the source is taking demand (a listener: session open; a webhook: recovery done).
 */
export interface DemandSource {
  start(sink: DemandSink): Promise<void>;
  /** Stops taking demand; resolves when nothing more will reach the sink. */
  stop(): Promise<void>;
  status(): DemandSourceStatus;
}

/**
 * One delivery attempt as GitHub lists it (`GET …/hooks/{id}/deliveries`); a redelivery is a new
 * attempt with a new `id` and the same `guid`.
 * https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 */
export interface DeliverySummary {
  /** The attempt's id, which `redeliver` takes. */
  id: number;
  /** `X-GitHub-Delivery`: the same for every attempt of one event. */
  guid: string;
  deliveredAt: Date;
  /** `"OK"` when the receiver answered 2xx in time, otherwise a failure text. */
  status: string;
  /** The receiver's HTTP status; 0 when there was no answer. */
  statusCode: number;
  event: string;
  action?: string;
  redelivery: boolean;
}

/**
 * The hook-delivery calls recovery needs. Adapters throw `GitHubAuthError` (401/403: the token
 * lacks hook admin) or `GitHubApiError`; recovery turns those into an "unavailable" result.
 */
export interface HookDeliveries {
  /** Every delivery attempt since `since` (all pages), newest or oldest first. */
  listDeliveries(since: Date): Promise<DeliverySummary[]>;
  /** Asks GitHub to send an attempt again (`POST …/deliveries/{id}/attempts`, 202); same GUID. */
  redeliver(id: number): Promise<void>;
}

/** A job's status as GitHub's REST API reports it; `"gone"` when GitHub no longer knows it (404). */
export type RemoteJobStatus = "queued" | "in_progress" | "completed" | "gone";

/** Looks a job up on GitHub (`GET /repos/{owner}/{repo}/actions/jobs/{job_id}`). */
export interface JobLookup {
  jobStatus(repository: string, jobId: number): Promise<RemoteJobStatus>;
}

/**
 * Counts the Actions service sends with every session and message (reference §1.7), renamed
 * from `totalX`. They are absolute state: the listener scales on them, never on message counts.
 */
export interface ScaleSetStatistics {
  availableJobs: number;
  acquiredJobs: number;
  /** Jobs assigned to the scale set, waiting or running: ARC's scaling signal (§1.10). */
  assignedJobs: number;
  runningJobs: number;
  registeredRunners: number;
  busyRunners: number;
  idleRunners: number;
}

/** The job message kinds a batch carries (§1.7); adapters drop kinds they do not know. */
export type ScaleSetJobMessageType = "JobAvailable" | "JobAssigned" | "JobStarted" | "JobCompleted";

/** One job message of a batch, in our names (wire: `RunnerScaleSetJobMessages` body elements). */
export interface ScaleSetJobMessage {
  type: ScaleSetJobMessageType;
  /** The job request id that acquirejobs takes (`runnerRequestId`). */
  runnerRequestId: number;
  /** GitHub's `jobId`: a string on this wire, "" when absent. */
  jobId: string;
  /** `owner/repo` (`ownerName/repositoryName`, as ARC joins them). */
  repository: string;
  /** The job's `runs-on` labels (`requestLabels`). */
  labels: string[];
  workflowRunId?: number;
  /** JobStarted/JobCompleted: the runner that took the job. */
  runnerId?: number;
  runnerName?: string;
  /** JobCompleted: the outcome; `canceled` when an assignment timed out (§1.7). */
  result?: string;
  /** The message's latest timestamp (finish, runner assignment, scale set assignment, queue). */
  at?: Date;
}

/** One message of the session's queue: its id (ack, `lastMessageId`), fresh statistics, its jobs. */
export interface ScaleSetMessage {
  id: number;
  statistics: ScaleSetStatistics;
  jobs: ScaleSetJobMessage[];
}

/** The fleet's scale set as the Actions service knows it. */
export interface ScaleSetRef {
  id: number;
  name: string;
  runnerGroupId: number;
}

/**
 * The Actions service as the scale-set listener needs it (reference §1.4–§1.8); src/github's
 * `ActionsScaleSetService` implements it, tests use an in-memory fake. Credentials stay inside
 * the adapter. `openSession` throws `SessionConflictError` (409) while another listener holds
 * the scale set's session.
 */
export interface ScaleSetService {
  /** Finds the fleet's scale set by (runner group, name), creating it when missing. */
  ensureScaleSet(): Promise<ScaleSetRef>;
  /** Opens the scale set's one message session, owned by `ownerName` (the host name). */
  openSession(scaleSetId: number, ownerName: string): Promise<ScaleSetSession>;
}

/**
 * An open message session; its queue token never leaves it. Every call throws
 * `SessionLostError` once the service no longer knows the session (404), and `QueueAuthError`
 * when a 401 outlives the one refresh-and-retry the adapter does (§1.6).
 */
export interface ScaleSetSession {
  readonly id: string;
  /** The statistics the session was opened (or last refreshed) with: the initial demand. */
  readonly statistics: ScaleSetStatistics;
  /** Long-polls the queue for the first message after `lastMessageId`; undefined on 202. */
  getMessage(lastMessageId: number, maxCapacity: number, signal?: AbortSignal): Promise<ScaleSetMessage | undefined>;
  /** Acknowledges a message so it is not redelivered. */
  deleteMessage(messageId: number): Promise<void>;
  /** Asks for these job requests; resolves with the ids actually acquired (maybe a subset). */
  acquireJobs(runnerRequestIds: number[]): Promise<number[]>;
  /** Gets a fresh queue token (PATCH). */
  refresh(): Promise<void>;
  /** Deletes the session (a vanished one counts as deleted) so a standby can take over. */
  close(): Promise<void>;
}
