/**
 * Shapes of the GitHub responses the platform reads, checked at the boundary so a drifting
 * server (GHES version, sandbox) fails with a clear message instead of `undefined` further on.
 * Only the fields we use; unknown fields are ignored. Schemas: GitHub's OpenAPI description
 * (`runner`, `runner-groups-org`, `job`, `hook`, `org-hook`, `hook-delivery-item`).
 */
import { z } from "zod";
import { GitHubApiError } from "../manager/errors.js";
import type { JitRunner, JobInfo, PlatformRunner } from "../manager/ports.js";
import type { DeliverySummary } from "../demand/ports.js";

const runnerSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.string(),
  busy: z.boolean(),
  labels: z.array(z.object({ name: z.string() })),
});
const jitSchema = z.object({ runner: runnerSchema, encoded_jit_config: z.string().min(1) });
const groupSchema = z.object({ id: z.number().int(), name: z.string() });
const jobSchema = z.object({
  runner_name: z.string().nullable().optional(),
  created_at: z.string(),
  started_at: z.string().nullable().optional(),
  conclusion: z.string().nullable().optional(),
});
const hookSchema = z.object({
  id: z.number().int(),
  active: z.boolean(),
  events: z.array(z.string()),
  // Org hooks always carry a URL; repository hooks of other kinds (`name` ≠ "web") may not.
  config: z.object({ url: z.string().optional(), insecure_ssl: z.union([z.string(), z.number()]).optional() }),
});
const timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), "not a timestamp");
const deliverySchema = z.object({
  id: z.number().int(),
  guid: z.string(),
  delivered_at: timestamp,
  redelivery: z.boolean(),
  status: z.string(),
  status_code: z.number().int(),
  event: z.string(),
  action: z.string().nullable().optional(),
});
const jobStatusSchema = z.object({ status: z.string() });

/** A repository or organization webhook: the fields the hook adapters match on. */
export interface HookInfo {
  id: number;
  active: boolean;
  events: string[];
  url: string | undefined;
  insecureSsl: string | undefined;
}

/** A runner from a list or JIT response. */
export function parseRunner(data: unknown): PlatformRunner {
  return toRunner(check(runnerSchema, data, "runner"));
}

/** A `generate-jitconfig` response; the config is a secret and never appears in errors. */
export function parseJitResponse(data: unknown): JitRunner {
  const parsed = check(jitSchema, data, "JIT configuration");
  return { runner: toRunner(parsed.runner), jitConfig: parsed.encoded_jit_config };
}

/** A runner group from a runner-groups list. */
export function parseRunnerGroup(data: unknown): { id: number; name: string } {
  return check(groupSchema, data, "runner group");
}

/** A workflow job: who ran it and when. */
export function parseJob(data: unknown): { runnerName: string | undefined; info: JobInfo } {
  const job = check(jobSchema, data, "job");
  const info: JobInfo = { createdAt: new Date(job.created_at), conclusion: job.conclusion ?? null };
  if (job.started_at) info.startedAt = new Date(job.started_at);
  return { runnerName: job.runner_name ?? undefined, info };
}

/** A repository or organization hook from a hooks list or a create/update answer. */
export function parseHook(data: unknown): HookInfo {
  const hook = check(hookSchema, data, "webhook");
  const insecure = hook.config.insecure_ssl;
  return { id: hook.id, active: hook.active, events: hook.events, url: hook.config.url, insecureSsl: insecure === undefined ? undefined : String(insecure) };
}

/** One attempt from a hook's deliveries list. */
export function parseDelivery(data: unknown): DeliverySummary {
  const d = check(deliverySchema, data, "webhook delivery");
  const summary: DeliverySummary = {
    id: d.id,
    guid: d.guid,
    deliveredAt: new Date(d.delivered_at),
    status: d.status,
    statusCode: d.status_code,
    event: d.event,
    redelivery: d.redelivery,
  };
  if (typeof d.action === "string") summary.action = d.action;
  return summary;
}

/** The `status` of a workflow job as GitHub spells it. */
export function parseJobStatus(data: unknown): string {
  return check(jobStatusSchema, data, "job").status;
}

// --- internal ---

function toRunner(runner: z.infer<typeof runnerSchema>): PlatformRunner {
  return {
    id: runner.id,
    name: runner.name,
    online: runner.status === "online",
    busy: runner.busy,
    labels: runner.labels.map((label) => label.name),
  };
}

function check<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  // Issue paths and expectations only: zod's issues never echo the received values here.
  const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new GitHubApiError(`GitHub answered with an unexpected ${what} (${issues.join("; ")})`, 0, {
    code: "github_unexpected_response",
  });
}
