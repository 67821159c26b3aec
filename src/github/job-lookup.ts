/**
 * The demand room's `JobLookup` port on GitHub's REST API: where a workflow job stands now, for
 * the reconcile that catches lost `in_progress`/`completed` deliveries.
 * https://docs.github.com/en/rest/actions/workflow-jobs#get-a-job-for-a-workflow-run
 */
import type { JobLookup, RemoteJobStatus } from "../demand/ports.js";
import { ConfigError, GitHubApiError } from "../manager/errors.js";
import { parseGitHubPath } from "../manager/github-path.js";
import type { GitHubClient } from "./client.js";
import { httpStatusOf } from "./errors.js";
import { clientOf, type GitHubClientSource } from "./_hooks.js";
import { NEEDS, translateNeeding } from "./_permissions.js";
import { parseJobStatus } from "./_schemas.js";

/** Options of `createJobLookup`: a client, or the options to create one. */
export type JobLookupOptions = GitHubClientSource;

/** Creates the `JobLookup` on GitHub. */
export function createJobLookup(options: JobLookupOptions): GitHubJobLookup {
  return new GitHubJobLookup(clientOf(options));
}

/** `JobLookup` on GitHub: one `GET …/actions/jobs/{job_id}` per call; 404 is "gone". */
export class GitHubJobLookup implements JobLookup {
  readonly #octokit: GitHubClient;

  constructor(octokit: GitHubClient) {
    this.#octokit = octokit;
  }

  /** The job's status in `owner/repo`; throws `ConfigError` when `repository` is not `owner/repo`. */
  async jobStatus(repository: string, jobId: number): Promise<RemoteJobStatus> {
    const path = parseGitHubPath(repository);
    if (path.kind !== "repo") {
      throw new ConfigError([{ path: "repository", message: `'${repository}' is not a repository: use 'owner/repo'` }]);
    }
    let status: string;
    try {
      const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}", { owner: path.owner, repo: path.repo, job_id: jobId });
      status = parseJobStatus(data);
    } catch (error) {
      // GitHub answers 404 for jobs of deleted runs and repositories, and also when the token may
      // not see the repository; either way no runner of ours will be handed the job.
      if (httpStatusOf(error) === 404) return "gone";
      throw translateNeeding(error, { action: `reading job ${jobId} of '${repository}'`, path }, NEEDS.jobs);
    }
    return toRemoteStatus(status, jobId);
  }
}

// --- internal ---

// The OpenAPI `job.status` enum: queued, in_progress, completed, waiting, requested, pending.
// `waiting` (environment protection rules), `requested` and `pending` are jobs no runner has yet:
// demand that stays. https://docs.github.com/en/rest/actions/workflow-jobs
const STATUSES: Record<string, RemoteJobStatus> = {
  queued: "queued",
  waiting: "queued",
  requested: "queued",
  pending: "queued",
  in_progress: "in_progress",
  completed: "completed",
};

function toRemoteStatus(status: string, jobId: number): RemoteJobStatus {
  const mapped = STATUSES[status];
  if (mapped !== undefined) return mapped;
  // A status GitHub added since: fail the lookup (the reconcile logs it and keeps the job as it
  // was) rather than guess which way it moves demand.
  throw new GitHubApiError(`GitHub reported job ${jobId} with an unknown status '${status.slice(0, 40)}'`, 0, { code: "github_unexpected_response" });
}
