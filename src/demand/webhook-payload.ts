/**
 * Turns a verified `workflow_job` delivery body into a `DemandEvent`. Only the fields demand needs
 * are read; everything else in the payload is ignored and never kept.
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_job
 */
import { z } from "zod";
import type { DemandEvent } from "./events.js";

const time = z.string().nullish();

const workflowJobPayload = z.object({
  action: z.string(),
  workflow_job: z.object({
    id: z.number().int().positive(),
    labels: z.array(z.string()),
    runner_name: z.string().nullish(),
    conclusion: z.string().nullish(),
    created_at: time,
    started_at: time,
    completed_at: time,
  }),
  repository: z.object({ full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/) }),
});

/** What a `workflow_job` body holds for demand: an event, an action we do not use, or a problem. */
export type ParsedWorkflowJob =
  | { kind: "event"; event: DemandEvent }
  | { kind: "unused-action" }
  | { kind: "invalid"; problem: string };

/**
 * Parses the raw body (JSON, or form-encoded with a `payload` field, the two content types a hook
 * may use). `waiting` (held by an environment's protection rules) and any action GitHub adds
 * later are not demand: GitHub sends `queued` once such a job may run.
 * https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks#check-the-event-type-and-action-before-processing-the-event
 */
export function parseWorkflowJob(body: Buffer, contentType: string | undefined, deliveryId: string | undefined, now: Date): ParsedWorkflowJob {
  let json: unknown;
  try {
    const text = body.toString("utf8");
    const raw = contentType?.startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(text).get("payload") : text;
    json = JSON.parse(raw ?? "");
  } catch {
    return { kind: "invalid", problem: "the body is not JSON" };
  }
  const parsed = workflowJobPayload.safeParse(json);
  if (!parsed.success) {
    // Paths only, never values: the response must not echo the payload.
    const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(root)"))];
    return { kind: "invalid", problem: `not a workflow_job payload (check ${paths.join(", ")})` };
  }
  const { action, workflow_job: job, repository } = parsed.data;
  const base = {
    jobId: job.id,
    repository: repository.full_name,
    labels: job.labels,
    source: "webhook" as const,
    ...(deliveryId ? { deliveryId } : {}),
  };
  const runnerName = job.runner_name ?? undefined;
  switch (action) {
    case "queued":
      return { kind: "event", event: { ...base, kind: "job-queued", at: dateOr(job.created_at, now) } };
    case "in_progress":
      return { kind: "event", event: { ...base, kind: "job-started", runnerName, at: startedAt(job, now) } };
    case "completed":
      return {
        kind: "event",
        event: {
          ...base, kind: "job-completed", at: dateOr(job.completed_at, now),
          ...(runnerName ? { runnerName } : {}), ...(job.conclusion ? { conclusion: job.conclusion } : {}),
        },
      };
    default:
      return { kind: "unused-action" };
  }
}

// Queued payloads already carry a `started_at` (equal to the queue time), so it only means "a
// runner took the job" when it is later than `created_at`; otherwise the time of receipt is used.
function startedAt(job: { created_at?: string | null; started_at?: string | null }, now: Date): Date {
  const started = dateOr(job.started_at, now);
  const created = job.created_at ? dateOr(job.created_at, now) : undefined;
  return created && started.getTime() <= created.getTime() ? now : started;
}

function dateOr(text: string | null | undefined, fallback: Date): Date {
  const date = text ? new Date(text) : fallback;
  return Number.isNaN(date.getTime()) ? fallback : date;
}
