/**
 * What the message queue carries (reference §1.6–§1.7): job messages built from the world's jobs,
 * statistics derived from state at delivery time, and batches of at most 50 job messages cut from
 * a scale set's outbox, kept until acknowledged. Pure functions over the state.
 */
import type { GitHubWorldState, SandboxJob } from "./github-state.js";
import type { ActionsState, JobClaim, JobMessage, QueueMessage } from "./actions-types.js";

/** The seven counters of §1.7. */
export interface ScaleSetStatistics {
  totalAvailableJobs: number;
  totalAcquiredJobs: number;
  totalAssignedJobs: number;
  totalRunningJobs: number;
  totalRegisteredRunners: number;
  totalBusyRunners: number;
  totalIdleRunners: number;
}

/** The four job message types a listener handles (§1.7). */
export type JobMessageType = "JobAvailable" | "JobAssigned" | "JobStarted" | "JobCompleted";

// Go's zero time: what the service sends for a moment that has not happened (types.go uses time.Time).
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** One body element for `job` as it stands now (§1.7 common fields plus `extra`). */
export function jobMessage(type: JobMessageType, job: SandboxJob, claim: JobClaim, extra: Record<string, unknown> = {}): JobMessage {
  const [owner = "", repo = ""] = job.repository.split("/");
  const time = (ms: number | undefined): string => (ms === undefined ? ZERO_TIME : new Date(ms).toISOString());
  const file = job.workflow.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "ci";
  return {
    messageType: type,
    runnerRequestId: claim.requestId,
    repositoryName: repo,
    ownerName: owner,
    // A string on the wire (§1.7); the sandbox's REST job id, so the two views can be joined.
    jobId: String(job.id),
    jobWorkflowRef: `${owner}/${repo}/.github/workflows/${file}.yml@refs/heads/main`,
    jobDisplayName: job.workflow,
    workflowRunId: job.runId,
    eventName: job.event,
    requestLabels: [...job.labels],
    queueTime: time(job.createdAt),
    scaleSetAssignTime: time(claim.scaleSetAssignTime),
    runnerAssignTime: time(claim.runnerAssignTime),
    finishTime: time(job.completedAt),
    ...extra,
  };
}

/**
 * Statistics of a scale set from the state (§1.7). Acquired = assigned to the scale set and not
 * started yet; assigned = acquired + running, so it is always ≥ running; idle = registered − busy.
 */
export function statisticsOf(actions: ActionsState, world: GitHubWorldState, scaleSetId: number): ScaleSetStatistics {
  const claims = Object.values(actions.claims).filter((c) => c.scaleSetId === scaleSetId);
  const count = (state: JobClaim["state"]): number => claims.filter((c) => c.state === state).length;
  const runners = world.runners.filter((r) => r.scaleSetId === scaleSetId);
  const busy = runners.filter((r) => r.busy).length;
  return {
    totalAvailableJobs: count("available"),
    totalAcquiredJobs: count("assigned"),
    totalAssignedJobs: count("assigned") + count("running"),
    totalRunningJobs: count("running"),
    totalRegisteredRunners: runners.length,
    totalBusyRunners: busy,
    totalIdleRunners: runners.length - busy,
  };
}

/** A scale set's queue, created on first use. */
export function queueOf(actions: ActionsState, scaleSetId: number): { outbox: JobMessage[]; messages: QueueMessage[] } {
  const key = String(scaleSetId);
  actions.queues[key] ??= { outbox: [], messages: [] };
  return actions.queues[key];
}

/**
 * The message a poll gets (§1.6): the oldest unacknowledged one with an id above `lastMessageId`,
 * else a new one cut from the outbox (at most `max` job messages; the rest wait for the next), else none.
 */
export function nextMessage(actions: ActionsState, scaleSetId: number, lastMessageId: number, max: number): QueueMessage | undefined {
  const queue = queueOf(actions, scaleSetId);
  const pending = queue.messages.find((m) => m.messageId > lastMessageId);
  if (pending !== undefined || queue.outbox.length === 0) return pending;
  const message = { messageId: actions.counters.messageId++, jobs: queue.outbox.splice(0, max) };
  queue.messages.push(message);
  return message;
}

/** Acknowledges a message; acknowledging one twice (or an unknown one) is harmless. */
export function deleteMessage(actions: ActionsState, scaleSetId: number, messageId: number): void {
  const queue = queueOf(actions, scaleSetId);
  queue.messages = queue.messages.filter((m) => m.messageId !== messageId);
}

/** A message as the poll answers it: `body` is a JSON *string* of the job messages (§1.6). */
export function messageJson(message: QueueMessage, statistics: ScaleSetStatistics, acquireJobUrl: string): Record<string, unknown> {
  const jobs = message.jobs.map((j) => (j.messageType === "JobAvailable" ? { ...j, acquireJobUrl } : j));
  return { messageId: message.messageId, messageType: "RunnerScaleSetJobMessages", body: JSON.stringify(jobs), statistics };
}
