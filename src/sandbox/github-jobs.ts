/**
 * Workflow jobs of the simulated GitHub: what a caller may say about a job, the job record it
 * becomes, and which runner GitHub would hand it to. Pure functions over the state, so the world
 * (github-world.ts) keeps only the transitions.
 */
import { DEFAULT_JOB_LABELS, scopeServes, type GitHubWorldState, type SandboxJob, type SandboxRunner } from "./github-state.js";

/** What a caller may say about a job to enqueue. */
export interface JobSpec {
  /** `owner/repo`. */
  repository: string;
  labels?: string[];
  durationMs?: number;
  conclusion?: "success" | "failure";
  workflow?: string;
  event?: string;
}

/** The webhook action a job transition emits (https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_job). */
export type JobAction = "queued" | "in_progress" | "completed";

/** A new queued job with the next ids, created at `now`; unset fields take GitHub-like defaults. */
export function createJob(state: GitHubWorldState, spec: JobSpec, now: number): SandboxJob {
  return {
    id: state.counters.jobId++,
    runId: state.counters.runId++,
    repository: spec.repository,
    // A copy: callers may queue several jobs from one spec (POST /_sandbox/jobs with count).
    labels: [...(spec.labels ?? DEFAULT_JOB_LABELS)],
    durationMs: spec.durationMs ?? 1000,
    plannedConclusion: spec.conclusion ?? "success",
    workflow: spec.workflow ?? "CI",
    event: spec.event ?? "push",
    status: "queued",
    conclusion: null,
    createdAt: now,
  };
}

/**
 * The runner GitHub would hand `job` to: the oldest idle online runner whose scope serves the
 * repository and whose labels cover every `runs-on` label (case-insensitive). Any matching runner
 * will do, not necessarily the one spawned for the job, as on GitHub. `mayServe` narrows it further
 * (scale-set runners take only their scale set's jobs, actions-world.ts).
 */
export function runnerFor(
  state: GitHubWorldState,
  job: SandboxJob,
  mayServe: (job: SandboxJob, runner: SandboxRunner) => boolean = () => true,
): SandboxRunner | undefined {
  const wanted = job.labels.map((l) => l.toLowerCase());
  return state.runners.find(
    (r) =>
      r.status === "online" &&
      r.processAlive &&
      !r.busy &&
      scopeServes(r.scope, job.repository) &&
      wanted.every((l) => r.labels.some((have) => have.toLowerCase() === l)) &&
      mayServe(job, r),
  );
}
