/**
 * The simulated Actions service's state (the runner scale set API, reference
 * ../../shared/reference/github-demand-apis.md §1) as plain JSON inside the GitHub world's state,
 * so snapshots carry scale sets, job claims and messages; its options with their defaults.
 */
import { randomBytes } from "node:crypto";
import type { ActionsFault } from "./actions-faults.js";

/** A label as the service stores it (§1.4: `{type: "System", name}`). */
export interface ScaleSetLabel {
  type: string;
  name: string;
}

/** A runner scale set; unique by (scope, runnerGroupId, name). */
export interface ScaleSetRecord {
  id: number;
  /** The config URL's scope, as the world's runner scopes (`orgs/acme`, `repos/acme/app`, …). */
  scope: string;
  name: string;
  runnerGroupId: number;
  labels: ScaleSetLabel[];
  /** Stored as sent and answered under the key `RunnerSetting` (capital R, §1.4). */
  runnerSetting: Record<string, unknown>;
  createdOn: number;
}

/** An open message session (§1.5); one per scale set at a time. */
export interface SessionRecord {
  sessionId: string;
  scaleSetId: number;
  ownerName: string;
  queueToken: string;
  /** When the queue token stops working (epoch ms; absent: never). */
  queueTokenExpiresAt?: number;
  /** The last poll, refresh or create (the session lapses `sessionTimeoutMs` after it). */
  lastSeenAt: number;
  /** `X-ScaleSetMaxCapacity` of the latest poll (§1.6); absent until a poll declares one. */
  maxCapacity?: number;
}

/** Where a job routed to a scale set stands (§1.7): offered, acquired and assigned, or running. */
export type ClaimState = "available" | "assigned" | "running";

/** A queued job the service routed to a scale set. */
export interface JobClaim {
  jobId: number;
  scaleSetId: number;
  /** The job request id acquirejobs takes; a new one per offer, so a re-offer is a new request. */
  requestId: number;
  state: ClaimState;
  /** How many assignments timed out and were cancelled (§1.7: re-offered up to 3 times). */
  cancellations: number;
  scaleSetAssignTime?: number;
  runnerAssignTime?: number;
}

/** One element of a message's `body` (§1.7); `acquireJobUrl` is added when it is delivered. */
export type JobMessage = Record<string, unknown> & { messageType: string };

/** A message of a scale set's queue, redelivered until deleted (§1.6). */
export interface QueueMessage {
  messageId: number;
  jobs: JobMessage[];
}

/** Everything the Actions service holds. */
export interface ActionsState {
  /** Signs the admin JWTs (HS256); clients read only `exp` and never verify (§1.2.4). */
  jwtSecret: string;
  /** Registration tokens issued by `…/actions/runners/registration-token`, with their scope. */
  registrationTokens: Record<string, { scope: string; expiresAt: number }>;
  /** Admin tokens whose `jti` is at most this are refused (the expire-tokens control). */
  adminRevokedThrough: number;
  scaleSets: ScaleSetRecord[];
  sessions: SessionRecord[];
  /** By job id. */
  claims: Record<string, JobClaim>;
  /** By scale set id: job messages not yet cut into a message, and the unacknowledged messages. */
  queues: Record<string, { outbox: JobMessage[]; messages: QueueMessage[] }>;
  counters: { scaleSetId: number; messageId: number; requestId: number; jti: number };
}

/** How the simulated Actions service behaves (`startSandbox({ github: { actions } })`). */
export interface ActionsOptions {
  /** Prefix successful JSON bodies with a UTF-8 BOM, as the real service may (§1.2.6; default true). */
  bom?: boolean;
  /** How long a message poll is held before answering 202 (real ≈ 50 s, §1.6; default 50 000). */
  longPollMs?: number;
  /** Lifetime of the admin JWT's `exp` (default 3600; under 60 makes clients re-register at once, §1.2.4). */
  adminTokenLifetimeSeconds?: number;
  /** Answer this many runner-registrations with 401 first, as a fresh registration token may be (§1.2.3; default 0). */
  failFirstRegistrations?: number;
  /** A session not polled or refreshed for this long lapses, freeing the scale set (default 300 000). */
  sessionTimeoutMs?: number;
  /** Queue tokens stop working this long after they were issued (default: never; §1.5 calls it unverified). */
  queueTokenLifetimeMs?: number;
  /** An assigned job no runner took within this long is cancelled and re-offered (§1.7; default 60 000). */
  assignmentTimeoutMs?: number;
  /** Each re-offer's assignment timeout is this many times the previous one (§1.7 "growing delays"; default 1: constant). */
  assignmentTimeoutGrowth?: number;
  /** How many times a cancelled assignment is re-offered before the job fails (§1.7; default 3). */
  maxReassignments?: number;
  /** A scale-set JIT runner never started is removed after this long (§2: "automatically removed"; default 1 day). */
  jitRunnerTtlMs?: number;
  /** Most job messages in one message (§1.6; default 50). */
  maxJobsPerMessage?: number;
  /** Faults armed from the start (5xx/429 with Retry-After, slow answers, resets; actions-faults.ts). */
  faults?: ActionsFault[];
}

/** The options with every default filled in. */
export type ResolvedActionsOptions = Required<Omit<ActionsOptions, "queueTokenLifetimeMs" | "faults">> & { queueTokenLifetimeMs?: number };

/** Fills in the defaults in one place. */
export function resolveActionsOptions(options: ActionsOptions = {}): ResolvedActionsOptions {
  const {
    bom = true,
    longPollMs = 50_000,
    adminTokenLifetimeSeconds = 3600,
    failFirstRegistrations = 0,
    sessionTimeoutMs = 300_000,
    queueTokenLifetimeMs,
    assignmentTimeoutMs = 60_000,
    assignmentTimeoutGrowth = 1,
    maxReassignments = 3,
    jitRunnerTtlMs = 86_400_000,
    maxJobsPerMessage = 50,
  } = options;
  const resolved = { bom, longPollMs, adminTokenLifetimeSeconds, failFirstRegistrations, sessionTimeoutMs, assignmentTimeoutMs, assignmentTimeoutGrowth, maxReassignments, jitRunnerTtlMs, maxJobsPerMessage };
  return queueTokenLifetimeMs === undefined ? resolved : { ...resolved, queueTokenLifetimeMs };
}

/** A fresh, empty service state with a new JWT secret. */
export function createActionsState(): ActionsState {
  return {
    jwtSecret: randomBytes(32).toString("hex"),
    registrationTokens: {},
    adminRevokedThrough: 0,
    scaleSets: [],
    sessions: [],
    claims: {},
    queues: {},
    counters: { scaleSetId: 1, messageId: 1, requestId: 1000, jti: 1 },
  };
}
