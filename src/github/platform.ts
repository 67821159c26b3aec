/**
 * `GitHubPlatform`: the manager's `RunnerPlatform` port on GitHub's REST API, for repository,
 * organization and enterprise runners. Routes: https://docs.github.com/en/rest/actions/self-hosted-runners
 */
import { ConfigError } from "../manager/errors.js";
import { silentLogger, type JitRunner, type JobInfo, type Logger, type PlatformRunner, type RunnerPlatform } from "../manager/ports.js";
import type { GitHubPath } from "../manager/types.js";
import { createOctokit, type GitHubClient, type GitHubClientOptions } from "./client.js";
import { httpStatusOf, translateGitHubError } from "./errors.js";
import { describeGitHubPath, formatGitHubPath, parseGitHubPath } from "../manager/github-path.js";
import { parseJitResponse, parseJob, parseRunner, parseRunnerGroup } from "./_schemas.js";

/** Options of `GitHubPlatform`. */
export interface GitHubPlatformOptions {
  octokit: GitHubClient;
  path: GitHubPath;
  logger?: Logger;
}

// Repository runners can only join the default group, whose id is always 1 (upstream 0f52d395e:
// "If the repo does not belong to an org, there is no way to get the runner_group_id").
const REPO_RUNNER_GROUP_ID = 1;
// "GitHub caps at 256 jobs per workflow run, so 3 pages of 100 is the upper bound" (upstream).
const MAX_JOB_PAGES = 3;

/** The manager's `RunnerPlatform` on GitHub (github.com or GitHub Enterprise Server). */
export class GitHubPlatform implements RunnerPlatform {
  readonly #octokit: GitHubClient;
  readonly #path: GitHubPath;
  readonly #logger: Logger;
  readonly #scope: { route: string; params: Record<string, string> };
  #groupId: Promise<number> | undefined;

  constructor(options: GitHubPlatformOptions) {
    this.#octokit = options.octokit;
    this.#path = options.path;
    this.#logger = options.logger ?? silentLogger;
    this.#scope = scopeOf(options.path);
  }

  /** Every self-hosted runner of the repo/org/enterprise, 100 per page. */
  async listRunners(): Promise<PlatformRunner[]> {
    const { route, params } = this.#scope;
    const runners: PlatformRunner[] = [];
    try {
      // paginate follows the `Link` header and unwraps `{ total_count, runners }` pages.
      for await (const page of this.#octokit.paginate.iterator(`GET ${route}/actions/runners`, { ...params, per_page: 100 })) {
        for (const item of page.data as unknown[]) runners.push(parseRunner(item));
      }
    } catch (error) {
      throw translateGitHubError(error, { action: "listing runners", path: this.#path });
    }
    return runners;
  }

  /** Registers an ephemeral just-in-time runner in the configured runner group. */
  async createJitRunner(name: string, labels: string[]): Promise<JitRunner> {
    const runnerGroupId = await this.#runnerGroupId();
    const { route, params } = this.#scope;
    try {
      const response = await this.#octokit.request(`POST ${route}/actions/runners/generate-jitconfig`, {
        ...params,
        name,
        runner_group_id: runnerGroupId,
        labels,
        work_folder: "_work",
      });
      return parseJitResponse(response.data);
    } catch (error) {
      throw translateGitHubError(error, { action: `registering runner '${name}'`, path: this.#path });
    }
  }

  /** Deregisters a runner: 204 → deleted, 404 → gone, 422 → busy (GitHub checked the true state). */
  async deleteRunner(id: number): Promise<"deleted" | "gone" | "busy"> {
    const { route, params } = this.#scope;
    try {
      await this.#octokit.request(`DELETE ${route}/actions/runners/{runner_id}`, { ...params, runner_id: id });
      return "deleted";
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 404) return "gone";
      if (status === 422) {
        this.#logger.debug("GitHub refused to delete a runner that is running a job", { runnerId: id });
        return "busy";
      }
      throw translateGitHubError(error, { action: `deleting runner ${id}`, path: this.#path });
    }
  }

  /** The job of run `runId` in `owner/repo` that `runnerName` ran; undefined if GitHub has none. */
  async findJob(repository: string, runId: number, runnerName: string): Promise<JobInfo | undefined> {
    const path = parseGitHubPath(repository);
    if (path.kind !== "repo") {
      throw new ConfigError([{ path: "repository", message: `'${repository}' is not a repository: use 'owner/repo'` }]);
    }
    const params = { owner: path.owner, repo: path.repo, run_id: runId, per_page: 100 };
    let pages = 0;
    try {
      for await (const page of this.#octokit.paginate.iterator("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", params)) {
        const job = page.data.map(parseJob).find((candidate) => candidate.runnerName === runnerName);
        if (job) return job.info;
        if (++pages >= MAX_JOB_PAGES) break;
      }
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw translateGitHubError(error, { action: `reading the jobs of run ${runId} in '${repository}'`, path });
    }
    return undefined;
  }

  /** The runner group id for JIT requests, looked up once per platform (and again after a failure). */
  #runnerGroupId(): Promise<number> {
    if (this.#path.kind === "repo") return Promise.resolve(REPO_RUNNER_GROUP_ID);
    this.#groupId ??= this.#lookUpRunnerGroup(this.#path.runnerGroup).catch((error: unknown) => {
      this.#groupId = undefined;
      throw error;
    });
    return this.#groupId;
  }

  async #lookUpRunnerGroup(name: string): Promise<number> {
    const { route, params } = this.#scope;
    const groups: { id: number; name: string }[] = [];
    try {
      for await (const page of this.#octokit.paginate.iterator(`GET ${route}/actions/runner-groups`, { ...params, per_page: 100 })) {
        for (const item of page.data as unknown[]) groups.push(parseRunnerGroup(item));
      }
    } catch (error) {
      throw translateGitHubError(error, { action: "listing runner groups", path: this.#path });
    }
    // GitHub names the default group "Default" while configuration says "default": an exact
    // match wins, otherwise a unique case-insensitive one.
    const exact = groups.find((group) => group.name === name);
    const loose = groups.filter((group) => group.name.toLowerCase() === name.toLowerCase());
    const found = exact ?? (loose.length === 1 ? loose[0] : undefined);
    if (!found) {
      const available = groups.map((group) => group.name).join(", ") || "none";
      throw new ConfigError([
        {
          path: "github.runnerGroup",
          message: `runner group '${name}' not found in ${describeGitHubPath(this.#path)}; available: ${available}`,
        },
      ]);
    }
    this.#logger.debug("resolved runner group", { path: formatGitHubPath(this.#path), group: found.name, id: found.id });
    return found.id;
  }
}

/** Options of `createGitHubPlatform`: the client's options plus the path (parsed when a string). */
export interface CreateGitHubPlatformOptions extends GitHubClientOptions {
  path: GitHubPath | string;
  /** Runner group of org and enterprise paths given as strings (default "default"). */
  runnerGroup?: string;
}

/** Creates the Octokit client and the platform on it. */
export function createGitHubPlatform(options: CreateGitHubPlatformOptions): GitHubPlatform {
  const { path, runnerGroup, ...clientOptions } = options;
  const parsed = typeof path === "string" ? parseGitHubPath(path, runnerGroup) : path;
  return new GitHubPlatform({ octokit: createOctokit(clientOptions), path: parsed, logger: options.logger });
}

// --- internal ---

function scopeOf(path: GitHubPath): { route: string; params: Record<string, string> } {
  switch (path.kind) {
    case "repo":
      return { route: "/repos/{owner}/{repo}", params: { owner: path.owner, repo: path.repo } };
    case "org":
      return { route: "/orgs/{org}", params: { org: path.org } };
    case "enterprise":
      return { route: "/enterprises/{enterprise}", params: { enterprise: path.enterprise } };
  }
}
