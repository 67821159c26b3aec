/**
 * Shapes of the Actions service's answers (reference §1.2–§1.9, scaleset types.go), checked at
 * the boundary and turned into our types. Only the fields we read; unknown ones are ignored.
 * Errors name the field, never a value (bodies carry tokens and JIT configs).
 */
import { z } from "zod";
import type { ScaleSetJobMessage, ScaleSetJobMessageType, ScaleSetMessage, ScaleSetStatistics } from "../demand/ports.js";
import { unexpectedResponse } from "./actions-errors.js";

const count = z.number().int().nonnegative().optional().default(0);
const statisticsSchema = z
  .object({
    totalAvailableJobs: count, totalAcquiredJobs: count, totalAssignedJobs: count, totalRunningJobs: count,
    totalRegisteredRunners: count, totalBusyRunners: count, totalIdleRunners: count,
  })
  .nullable()
  .optional();
const labelSchema = z.object({ type: z.string().optional(), name: z.string() });
const scaleSetSchema = z.object({ id: z.number().int(), name: z.string(), runnerGroupId: z.number().int(), labels: z.array(labelSchema).nullable().optional() });
const envelope = <T extends z.ZodType>(item: T) => z.object({ count: z.number().int().optional(), value: z.array(item).nullable().optional() });
const sessionSchema = z.object({
  sessionId: z.string().min(1),
  messageQueueUrl: z.string().url(),
  messageQueueAccessToken: z.string().min(1),
  statistics: statisticsSchema,
});
const messageSchema = z.object({ messageId: z.number().int(), messageType: z.string(), body: z.string().nullable().optional(), statistics: statisticsSchema });
const agentSchema = z.object({ id: z.number().int(), name: z.string(), runnerScaleSetId: z.number().int().optional() });
const jitSchema = z.object({ runner: agentSchema, encodedJITConfig: z.string().min(1) });
const jobSchema = z.object({
  messageType: z.string(),
  runnerRequestId: z.number().int(),
  repositoryName: z.string().optional().default(""),
  ownerName: z.string().optional().default(""),
  jobId: z.union([z.string(), z.number()]).optional(),
  requestLabels: z.array(z.string()).nullable().optional(),
  workflowRunId: z.number().int().optional(),
  runnerId: z.number().int().optional(),
  runnerName: z.string().optional(),
  result: z.string().optional(),
  queueTime: z.string().optional(),
  scaleSetAssignTime: z.string().optional(),
  runnerAssignTime: z.string().optional(),
  finishTime: z.string().optional(),
});
const JOB_TYPES = new Set<string>(["JobAvailable", "JobAssigned", "JobStarted", "JobCompleted"]);

/** A scale set as the service returns it. */
export type WireScaleSet = z.infer<typeof scaleSetSchema>;
/** A runner (agent) of the scale set's pool. */
export type WireAgent = z.infer<typeof agentSchema>;
/** A session as opened or refreshed; `token` is the queue token, a secret. */
export interface WireSession {
  sessionId: string;
  queueUrl: string;
  token: string;
  statistics: ScaleSetStatistics;
}

/** Parses a body as JSON and checks it; `what` names it in the error. */
export function parseBody<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw unexpectedResponse(what, "not JSON");
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw unexpectedResponse(what, result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
}

/** The runner registration's answer: the service URL and the admin JWT (§1.2.3). */
export const parseRegistration = (text: string) => parseBody(z.object({ url: z.string().url(), token: z.string().min(1) }), text, "runner registration");
/** A `{count, value}` list of runner groups (§1.3). */
export const parseGroups = (text: string) => parseBody(envelope(z.object({ id: z.number().int(), name: z.string() })), text, "runner group list").value ?? [];
/** One scale set (create, get, update; §1.4). */
export const parseScaleSet = (text: string) => parseBody(scaleSetSchema, text, "runner scale set");
/** A `{count, value}` list of scale sets (§1.4). */
export const parseScaleSets = (text: string) => parseBody(envelope(scaleSetSchema), text, "runner scale set list").value ?? [];
/** A runner (§1.9). */
export const parseAgent = (text: string) => parseBody(agentSchema, text, "runner");
/** A `{count, value}` list of runners (§1.9). */
export const parseAgents = (text: string) => parseBody(envelope(agentSchema), text, "runner list").value ?? [];
/** A generatejitconfig answer; the config is a secret (§1.9). */
export const parseJit = (text: string) => parseBody(jitSchema, text, "JIT configuration");
/** The ids acquirejobs actually acquired (§1.8). */
export const parseAcquired = (text: string) => parseBody(envelope(z.number().int()), text, "acquired jobs").value ?? [];

/** A session (create or refresh, §1.5). */
export function parseSession(text: string): WireSession {
  const s = parseBody(sessionSchema, text, "message session");
  return { sessionId: s.sessionId, queueUrl: s.messageQueueUrl, token: s.messageQueueAccessToken, statistics: toStatistics(s.statistics) };
}

/**
 * A queue message (§1.6): `body` is a JSON *string* holding an array. Job kinds we do not know,
 * elements we cannot read and any other `messageType` are dropped and counted, not fatal: a
 * message the listener cannot get past would be redelivered for ever.
 */
export function parseMessage(text: string): { message: ScaleSetMessage; dropped: number } {
  const m = parseBody(messageSchema, text, "queue message");
  const message: ScaleSetMessage = { id: m.messageId, statistics: toStatistics(m.statistics), jobs: [] };
  if (m.messageType !== "RunnerScaleSetJobMessages") return { message, dropped: 1 };
  let items: unknown;
  try {
    items = m.body ? JSON.parse(m.body) : [];
  } catch {
    return { message, dropped: 1 };
  }
  if (!Array.isArray(items)) return { message, dropped: 1 };
  let dropped = 0;
  for (const item of items) {
    const job = jobSchema.safeParse(item);
    if (job.success && JOB_TYPES.has(job.data.messageType)) message.jobs.push(toJob(job.data));
    else dropped++;
  }
  return { message, dropped };
}

// --- internal ---

function toStatistics(s: z.infer<typeof statisticsSchema>): ScaleSetStatistics {
  return {
    availableJobs: s?.totalAvailableJobs ?? 0, acquiredJobs: s?.totalAcquiredJobs ?? 0, assignedJobs: s?.totalAssignedJobs ?? 0,
    runningJobs: s?.totalRunningJobs ?? 0, registeredRunners: s?.totalRegisteredRunners ?? 0, busyRunners: s?.totalBusyRunners ?? 0,
    idleRunners: s?.totalIdleRunners ?? 0,
  };
}

function toJob(j: z.infer<typeof jobSchema>): ScaleSetJobMessage {
  const job: ScaleSetJobMessage = {
    type: j.messageType as ScaleSetJobMessageType,
    runnerRequestId: j.runnerRequestId,
    jobId: j.jobId === undefined ? "" : String(j.jobId),
    repository: j.ownerName && j.repositoryName ? `${j.ownerName}/${j.repositoryName}` : j.repositoryName,
    labels: j.requestLabels ?? [],
  };
  if (j.workflowRunId !== undefined) job.workflowRunId = j.workflowRunId;
  if (j.runnerId !== undefined) job.runnerId = j.runnerId;
  if (j.runnerName) job.runnerName = j.runnerName;
  if (j.result) job.result = j.result;
  const at = [j.finishTime, j.runnerAssignTime, j.scaleSetAssignTime, j.queueTime].map(timeOf).find((t) => t !== undefined);
  if (at) job.at = at;
  return job;
}

// Go's zero time (0001-01-01T00:00:00Z) marks a timestamp that is not set yet.
function timeOf(text: string | undefined): Date | undefined {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
}
