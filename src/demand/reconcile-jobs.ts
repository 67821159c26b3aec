/**
 * The periodic safety net for lost `in_progress`/`completed` deliveries: asks GitHub about the
 * jobs the store still thinks are waiting and moves them forward, as terraform-aws-github-runner's
 * job-queued check does (`GET /repos/{owner}/{repo}/actions/jobs/{job_id}`).
 * https://docs.github.com/en/rest/actions/workflow-jobs#get-a-job-for-a-workflow-run
 */
import { mapSettled } from "../manager/concurrency.js";
import { describeError } from "../manager/errors.js";
import { type Logger, silentLogger } from "../manager/ports.js";
import type { DemandEvent, JobStatus } from "./events.js";
import type { DemandSink, JobLookup, RemoteJobStatus } from "./ports.js";
import type { DemandStore, JobRecord } from "./store.js";

/** Key/value key of the last job id checked, so successive passes walk every job in turn. */
export const RECONCILE_CURSOR_KEY = "reconcile.after-job-id";

/** Options of `reconcileQueuedJobs`. */
export interface ReconcileJobsOptions {
  jobs: JobLookup;
  store: DemandStore;
  /** Told about every job moved forward (source "reconcile"). */
  sink?: DemandSink;
  /** Lookups in flight at once (default 4). */
  concurrency?: number;
  /** Lookups per pass (default 30): at a pass a minute, 1,800 of the 5,000 requests an hour a token gets. */
  limit?: number;
  /** Which local statuses to re-check (default queued only; add in_progress to catch lost completions). */
  statuses?: JobStatus[];
  /** Jobs with news younger than this are skipped: their next delivery is likely still on its way (default 60 s). */
  minAgeMs?: number;
  now?: () => Date;
  logger?: Logger;
}

/** What one pass did. */
export interface ReconcileJobsResult {
  checked: number;
  advanced: number;
  failed: number;
}

/** Re-checks up to `limit` waiting jobs on GitHub (bounded concurrency) and moves them forward. */
export async function reconcileQueuedJobs(options: ReconcileJobsOptions): Promise<ReconcileJobsResult> {
  const { jobs, store, sink, concurrency = 4, limit = 30, statuses = ["queued"], minAgeMs = 60_000, now = () => new Date(), logger = silentLogger } = options;
  const updatedBefore = new Date(now().getTime() - minAgeMs);
  const candidates = await nextBatch(store, statuses, updatedBefore, limit);
  const outcomes = await mapSettled(candidates, concurrency, async (job) => {
    const event = eventFor(job, await jobs.jobStatus(job.repository, job.id), now());
    if (!event) return false;
    const { change } = await store.applyJobEvent(event);
    if (change !== "advanced") return false;
    await sink?.event(event);
    return true;
  });
  let advanced = 0;
  let failed = 0;
  outcomes.forEach((outcome, index) => {
    if (outcome.ok) advanced += outcome.value ? 1 : 0;
    else {
      failed++;
      logger.warn("reconcile: job lookup failed", { jobId: candidates[index]?.id, error: describeError(outcome.error) });
    }
  });
  return { checked: candidates.length, advanced, failed };
}

// --- internal ---

/** The next `limit` jobs after the cursor, wrapping around to the lowest ids when it runs out. */
async function nextBatch(store: DemandStore, statuses: JobStatus[], updatedBefore: Date, limit: number): Promise<JobRecord[]> {
  const afterId = Number((await store.getValue(RECONCILE_CURSOR_KEY)) ?? 0);
  const take = async (after: number, n: number) =>
    (await Promise.all(statuses.map((status) => store.listJobs({ status, afterId: after, updatedBefore, limit: n }))))
      .flat()
      .sort((a, b) => a.id - b.id)
      .slice(0, n);
  let batch = await take(afterId, limit);
  if (batch.length < limit && afterId > 0) {
    const seen = new Set(batch.map((job) => job.id));
    batch = [...batch, ...(await take(0, limit - batch.length)).filter((job) => !seen.has(job.id))];
  }
  const last = batch.at(-1);
  await store.setValue(RECONCILE_CURSOR_KEY, String(last && batch.length === limit ? last.id : 0));
  return batch;
}

function eventFor(job: JobRecord, remote: RemoteJobStatus, at: Date): DemandEvent | undefined {
  const base = { jobId: job.id, repository: job.repository, labels: job.labels, at, source: "reconcile" as const };
  switch (remote) {
    case "queued":
      return undefined;
    case "in_progress":
      return { ...base, kind: "job-started", runnerName: undefined };
    // A job GitHub no longer knows (deleted run or repository) is no longer demand either.
    case "completed":
    case "gone":
      return { ...base, kind: "job-completed" };
  }
}
