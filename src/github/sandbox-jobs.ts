/**
 * The client of the sandbox's `POST /_sandbox/jobs` (src/sandbox/github-control-routes.ts), which
 * queues workflow jobs from outside the sandbox's process. Real GitHub has no such endpoint: jobs
 * come from workflow runs there. Same Octokit as the platform, so token and App auth both work.
 */
import { z } from "zod";
import { ConfigError, GitHubApiError, NotFoundError } from "../manager/errors.js";
import { createOctokit, type GitHubClientOptions } from "./client.js";
import { httpStatusOf, isOctokitError, translateGitHubError } from "./errors.js";

/** What to queue; unset fields take the sandbox's defaults. */
export interface SandboxJobRequest {
  /** `owner/repo`. */
  repository: string;
  count?: number;
  labels?: string[];
  durationMs?: number;
  conclusion?: "success" | "failure";
  workflow?: string;
}

/** A job the sandbox queued. */
export interface QueuedJob {
  id: number;
  runId: number;
  repository: string;
  status: string;
  labels: string[];
  workflow: string;
}

/** The sandbox route, for messages. */
export const SANDBOX_JOBS_ROUTE = "/_sandbox/jobs";

/**
 * Queues jobs in the sandbox behind `options.apiUrl`. Throws `NotFoundError` when the API has no
 * such endpoint (it is not the sandbox), `ConfigError` listing the sandbox's objections on 422,
 * and the usual translated GitHub errors otherwise.
 */
export async function queueSandboxJobs(options: GitHubClientOptions, request: SandboxJobRequest): Promise<QueuedJob[]> {
  const octokit = createOctokit(options);
  let data: unknown;
  try {
    ({ data } = await octokit.request(`POST ${SANDBOX_JOBS_ROUTE}`, { ...request }));
  } catch (error) {
    throw translate(error, options.apiUrl ?? "https://api.github.com");
  }
  const parsed = answerSchema.safeParse(data);
  if (!parsed.success) throw new GitHubApiError(`unexpected answer from POST ${SANDBOX_JOBS_ROUTE}: ${parsed.error.issues[0]?.message ?? "invalid"}`, 201);
  return parsed.data.jobs.map((j) => ({ id: j.id, runId: j.run_id, repository: j.repository, status: j.status, labels: j.labels, workflow: j.workflow_name }));
}

// --- internal ---

const answerSchema = z.object({
  jobs: z.array(
    z.object({
      id: z.number().int(),
      run_id: z.number().int(),
      repository: z.string(),
      status: z.string(),
      labels: z.array(z.string()),
      workflow_name: z.string(),
    }),
  ),
});

function translate(error: unknown, apiUrl: string): Error {
  const status = httpStatusOf(error);
  if (status === 404) {
    return new NotFoundError("endpoint", SANDBOX_JOBS_ROUTE, `${apiUrl} has no ${SANDBOX_JOBS_ROUTE} endpoint: it is not the runner-fleet sandbox`);
  }
  const translated = translateGitHubError(error, { action: "queueing sandbox jobs" });
  if (status !== 422) return translated;
  // The sandbox lists each objection in `errors` (GitHub's validation-error-simple shape).
  const data = isOctokitError(error) ? error.response?.data : undefined;
  const errors = z.object({ errors: z.array(z.string()).min(1) }).safeParse(data);
  const problems = errors.success ? errors.data.errors.map((message) => ({ path: "", message })) : [{ path: "", message: translated.message }];
  return new ConfigError(problems, "the sandbox refused to queue the jobs (422)");
}
