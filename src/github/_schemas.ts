/**
 * Shapes of the GitHub responses the platform reads, checked at the boundary so a drifting
 * server (GHES version, sandbox) fails with a clear message instead of `undefined` further on.
 * Only the fields we use; unknown fields are ignored. Schemas: GitHub's OpenAPI description
 * (`runner`, `runner-groups-org`, `job`).
 */
import { z } from "zod";
import { GitHubApiError } from "../manager/errors.js";
import type { JitRunner, JobInfo, PlatformRunner } from "../manager/ports.js";

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
