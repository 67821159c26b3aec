/**
 * The `workflow_job` webhook receiver, transport-free: src/serve reads the request and calls
 * `handle` with the raw bytes. It verifies, filters, de-duplicates and records; deciding how many
 * runners to start is not its business.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import { verify } from "@octokit/webhooks-methods";
import { ConfigError, describeError, type Problem } from "../manager/errors.js";
import { type Logger, silentLogger } from "../manager/ports.js";
import { type DemandEvent, type JobStatus, statusOf } from "./events.js";
import { servesLabels } from "./labels.js";
import type { DemandSink } from "./ports.js";
import type { DemandStore, JobChange } from "./store.js";
import { parseWorkflowJob } from "./webhook-payload.js";

/** One delivery as the HTTP layer read it; header names in any case. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What became of a delivery: the label `serve` counts deliveries by. */
export type WebhookOutcome =
  | "accepted" | "duplicate" | "stale" | "ignored" | "unsigned" | "bad-signature"
  | "too-large" | "bad-request" | "not-for-us" | "unavailable";

/** The answer to send; `body` never echoes the payload or a secret. */
export interface WebhookResponse {
  status: number;
  body: { outcome: WebhookOutcome; detail: string };
  outcome: WebhookOutcome;
}

/** What the handler needs; `secret` is required. */
export interface WebhookHandlerOptions {
  secret: string;
  /** The labels the fleet's runners register with (`self-hosted` and `linux` are implied). */
  labels: readonly string[];
  store: DemandStore;
  /** Awaited before answering (GitHub waits 10 s at most), so it should only nudge the loop. */
  sink: DemandSink;
  /** Bodies above this are refused with 413 (default 1 MiB; GitHub caps payloads at 25 MB). */
  maxBodyBytes?: number;
  now?: () => Date;
  logger?: Logger;
}

/** A configured receiver; `maxBodyBytes` lets the HTTP layer stop reading at the same limit. */
export interface WebhookHandler {
  readonly maxBodyBytes: number;
  handle(request: WebhookRequest): Promise<WebhookResponse>;
}

/** A `workflow_job` delivery is a few kilobytes; 1 MiB leaves room without inviting abuse. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Builds the receiver; throws `ConfigError` when the secret or the limit is unusable. */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const { secret, labels, store, sink, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, now = () => new Date(), logger = silentLogger } = options;
  const problems: Problem[] = [];
  if (typeof secret !== "string" || secret.length === 0) {
    problems.push({
      path: "webhook.secret",
      message: "is required: generate one (e.g. `openssl rand -hex 32`), set it as the hook's secret on GitHub and give the same value to runner-fleet; unsigned deliveries are refused",
    });
  }
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) problems.push({ path: "webhook.maxBodyBytes", message: "must be a positive whole number of bytes" });
  if (problems.length > 0) throw new ConfigError(problems);

  const record = async (guid: string | undefined, at: Date) => {
    if (!guid) return;
    await store.recordDelivery(guid, at).catch((error) => logger.warn("webhook: could not record a delivery", { error: describeError(error) }));
  };

  return {
    maxBodyBytes,
    async handle({ headers, body }) {
      if (body.length > maxBodyBytes) return reply(413, "too-large", `the body exceeds ${maxBodyBytes} bytes`);
      const header = headerReader(headers);
      const signature = header("x-hub-signature-256");
      if (!signature) return reply(401, "unsigned", "X-Hub-Signature-256 is missing: set the hook's secret on GitHub");
      if (body.length === 0) return reply(400, "bad-request", "the body is empty");
      // Verified on the raw bytes: re-serialized JSON would not match the HMAC.
      if (!(await verify(secret, body.toString("utf8"), signature))) {
        return reply(401, "bad-signature", "X-Hub-Signature-256 does not match: the hook's secret differs from runner-fleet's");
      }
      const receivedAt = now();
      const guid = header("x-github-delivery");
      // Deliveries we do not use are recorded too, best effort, so recovery never redelivers them.
      const unused = async (response: WebhookResponse) => {
        await record(guid, receivedAt);
        return response;
      };
      const event = header("x-github-event");
      if (event === "ping") return unused(reply(200, "ignored", "pong"));
      if (event !== "workflow_job") return unused(reply(202, "ignored", "runner-fleet only uses workflow_job events"));
      const parsed = parseWorkflowJob(body, header("content-type"), guid, receivedAt);
      if (parsed.kind === "invalid") return reply(400, "bad-request", parsed.problem);
      if (parsed.kind === "unused-action") return unused(reply(202, "ignored", "this workflow_job action is not demand"));
      if (!servesLabels(labels, parsed.event.labels)) {
        return unused(reply(202, "not-for-us", "the job's labels are not all on this fleet's runners"));
      }
      return apply(parsed.event, guid, receivedAt);
    },
  };

  async function apply(event: DemandEvent, guid: string | undefined, receivedAt: Date): Promise<WebhookResponse> {
    let result: { change: "duplicate-delivery" | JobChange; status?: JobStatus };
    try {
      // One transaction: a delivery is recorded if and only if its event is, so a crash between
      // the two cannot make a redelivery look like a duplicate.
      result = await store.transaction(async (tx) => {
        if (guid && !(await tx.recordDelivery(guid, receivedAt))) return { change: "duplicate-delivery" };
        const { change, job } = await tx.applyJobEvent(event);
        return { change, status: job.status };
      });
    } catch (error) {
      logger.error("webhook: the demand store failed", { error: describeError(error) });
      return reply(503, "unavailable", "the demand store is unavailable; the delivery can be redelivered");
    }
    if (result.change === "duplicate-delivery") return reply(200, "duplicate", "this delivery was already received");
    if (result.change === "unchanged") {
      // Same (job id, action) under a new GUID, or a late event for a job already further along.
      return result.status === statusOf(event)
        ? reply(200, "duplicate", "the job already had this status")
        : reply(200, "stale", "the job is already further along; an out-of-order event changes nothing");
    }
    await sink.event(event).catch((error) => {
      // The store has the event; the next loop pass reads it from there.
      logger.warn("webhook: the demand sink failed", { error: describeError(error) });
    });
    return reply(202, "accepted", `job ${result.change}`);
  }
}

// --- internal ---

function reply(status: number, outcome: WebhookOutcome, detail: string): WebhookResponse {
  return { status, body: { outcome, detail }, outcome };
}

function headerReader(headers: WebhookRequest["headers"]): (name: string) => string | undefined {
  const lower = new Map(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), Array.isArray(value) ? value[0] : value]));
  return (name) => lower.get(name)?.trim() || undefined;
}
