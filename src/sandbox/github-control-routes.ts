/**
 * The sandbox's own control endpoints, which real GitHub does not have: queuing workflow jobs
 * from outside the process (`runner-fleet job`, scripts, other languages) and listing them. They
 * live under `/_sandbox/` so they can never be mistaken for GitHub routes, and take the same admin
 * credentials as the runner endpoints. Errors use GitHub's shapes so GitHub clients read them.
 */
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, iso, validationError } from "./github-http.js";
import type { SandboxJob } from "./github-state.js";
import type { JobSpec } from "./github-jobs.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** The path prefix of every sandbox-only route. */
export const SANDBOX_PREFIX = "/_sandbox/";

// Most jobs one POST may queue (a workflow run holds at most 256 jobs; 100 keeps answers small).
const MAX_JOBS_PER_REQUEST = 100;

/** `POST /_sandbox/jobs` and `GET /_sandbox/jobs`. */
export function controlRoutes(ctx: SideContext): Route[] {
  return [
    guarded(ctx, "admin", "POST", `${SANDBOX_PREFIX}jobs`, (req) => enqueueJobs(ctx, req)),
    guarded(ctx, "admin", "GET", `${SANDBOX_PREFIX}jobs`, () => ({ status: 200, body: { jobs: ctx.world.state.jobs.map(controlJobJson) } })),
  ];
}

// --- internal ---

const KEYS = new Set(["repository", "count", "labels", "durationMs", "conclusion", "workflow", "event"]);
// Account names (alphanumerics, inner hyphens) and repository names (letters, digits, . _ -).
const REPOSITORY = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*\/[A-Za-z0-9._-]+$/;

function enqueueJobs(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const parsed = parseBody(req.body);
  if ("errors" in parsed) {
    return validationError(`Invalid request to ${SANDBOX_PREFIX}jobs: ${parsed.errors.join("; ")}`, DOCS.jobs, parsed.errors);
  }
  const jobs = Array.from({ length: parsed.count }, () => ctx.world.enqueueJob(parsed.spec));
  return { status: 201, body: { jobs: jobs.map(controlJobJson) } };
}

/** Checks every field and reports every problem, not only the first. */
function parseBody(body: unknown): { spec: JobSpec; count: number } | { errors: string[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { errors: ['the body must be a JSON object such as {"repository": "owner/repo"}'] };
  }
  const b = body as Record<string, unknown>;
  const errors = Object.keys(b)
    .filter((k) => !KEYS.has(k))
    .map((k) => `unknown key '${k}' (known: ${[...KEYS].join(", ")})`);
  const { repository, count = 1, labels, durationMs, conclusion, workflow, event } = b;
  if (typeof repository !== "string" || !REPOSITORY.test(repository)) errors.push("repository must be 'owner/repo'");
  if (!isInt(count) || count < 1 || count > MAX_JOBS_PER_REQUEST) errors.push(`count must be an integer from 1 to ${MAX_JOBS_PER_REQUEST}`);
  const labelsOk = Array.isArray(labels) && labels.length >= 1 && labels.length <= 100 && labels.every((l) => typeof l === "string" && l.trim() !== "");
  if (labels !== undefined && !labelsOk) errors.push("labels must be 1 to 100 non-empty strings");
  if (durationMs !== undefined && (!isInt(durationMs) || durationMs < 0)) errors.push("durationMs must be an integer ≥ 0 (milliseconds)");
  if (conclusion !== undefined && conclusion !== "success" && conclusion !== "failure") errors.push("conclusion must be 'success' or 'failure'");
  if (workflow !== undefined && !isText(workflow)) errors.push("workflow must be a non-empty string");
  if (event !== undefined && !isText(event)) errors.push("event must be a non-empty string");
  if (errors.length > 0) return { errors };
  // Every field was checked above; unset ones stay undefined and take enqueueJob's defaults.
  return { spec: { repository, labels, durationMs, conclusion, workflow, event } as JobSpec, count: count as number };
}

/** A job as the control endpoints show it: the sandbox's view, including what GitHub hides. */
function controlJobJson(job: SandboxJob): Record<string, unknown> {
  return {
    id: job.id,
    run_id: job.runId,
    repository: job.repository,
    status: job.status,
    conclusion: job.conclusion,
    labels: job.labels,
    workflow_name: job.workflow,
    event: job.event,
    duration_ms: job.durationMs,
    planned_conclusion: job.plannedConclusion,
    runner_id: job.runnerId ?? null,
    runner_name: job.runnerName ?? null,
    created_at: iso(job.createdAt),
    started_at: job.startedAt === undefined ? null : iso(job.startedAt),
    completed_at: job.completedAt === undefined ? null : iso(job.completedAt),
    // The same times in epoch ms: GitHub's ISO form has whole seconds, too coarse for job wait.
    created_at_ms: job.createdAt,
    started_at_ms: job.startedAt ?? null,
    completed_at_ms: job.completedAt ?? null,
  };
}

function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}
