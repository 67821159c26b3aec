/**
 * `runner-fleet job`: queues workflow jobs in the sandbox's simulated GitHub, asking for the
 * fleet's labels so the fleet's runners take them. Sandbox only: real GitHub queues jobs from
 * workflow runs, and has no endpoint for it.
 */
import { defineCommand } from "citty";
import { describeGitHubPath, formatGitHubPath, parseGitHubPath } from "../../manager/github-path.js";
import { queueSandboxJobs, SANDBOX_JOBS_ROUTE, type QueuedJob, type SandboxJobRequest } from "../../github/sandbox-jobs.js";
import { ConfigError, NotFoundError } from "../../manager/errors.js";
import type { FleetSpec } from "../../manager/spec.js";
import type { GitHubPath } from "../../manager/types.js";
import { parseCount, parseDuration } from "../duration.js";
import { ExitCode, UsageError } from "../errors.js";
import { loadFleetFile } from "../fleet-file.js";
import { type CliIo, println } from "../io.js";
import { plural, printJson, renderTable } from "../output.js";
import { commonArgs } from "./_common.js";

/** Most jobs one command queues (the sandbox's limit per request). */
const MAX_JOBS = 100;

/** The `job` command. */
export function jobCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "job", description: "Queue workflow jobs in the sandbox for the fleet's runners (sandbox only)" },
    args: {
      ...commonArgs,
      repository: { type: "string", description: "Repository of the jobs (default: the fleet's, when it is a repository)", valueHint: "owner/repo" },
      count: { type: "string", default: "1", description: `How many jobs (1–${MAX_JOBS})`, valueHint: "n" },
      duration: { type: "string", description: "How long each job runs, e.g. 30s (default 1s)", valueHint: "duration" },
      conclusion: { type: "enum", options: ["success", "failure"], description: "How each job ends (default success)" },
      workflow: { type: "string", description: "Workflow name of the jobs (default CI)", valueHint: "name" },
    },
    async run({ args }): Promise<ExitCode> {
      // Flags first: a typo fails before the fleet file is read.
      const count = parseCount(args.count, "--count", 1);
      if (count > MAX_JOBS) throw new UsageError([{ path: "--count", message: `at most ${MAX_JOBS} jobs at a time, got ${count}` }]);
      const optional: Omit<SandboxJobRequest, "repository" | "count" | "labels"> = {};
      if (args.duration !== undefined) optional.durationMs = parseDuration(args.duration, "--duration");
      if (args.conclusion === "success" || args.conclusion === "failure") optional.conclusion = args.conclusion;
      if (args.workflow !== undefined) optional.workflow = args.workflow;
      const { spec } = await loadFleetFile(args.config, io);
      const repository = repositoryOf(args.repository, spec.github.path);
      // The fleet's runners carry its labels plus these two (RunnerManager.labels).
      const labels = [...new Set(["self-hosted", "linux", ...spec.labels])];
      const request: SandboxJobRequest = { repository, count, labels, ...optional };
      if (!serves(spec.github.path, repository)) {
        println(io.stderr, `warn: the fleet's runners serve ${describeGitHubPath(spec.github.path)}: jobs of ${repository} stay queued unless other runners take them`);
      }
      const jobs = await queue(spec.github, request, io);
      if (args.json) {
        printJson(io.stdout, { jobs });
        return ExitCode.Ok;
      }
      println(io.stdout, renderJobs(jobs));
      println(io.stdout, `queued ${plural(jobs.length, "job")} on ${repository} for runners labelled ${labels.join(", ")}`);
      return ExitCode.Ok;
    },
  });
}

// --- internal ---

const NO_ENDPOINT = `this GitHub API has no ${SANDBOX_JOBS_ROUTE} endpoint: \`runner-fleet job\` only queues jobs in the sandbox`;

async function queue(github: FleetSpec["github"], request: SandboxJobRequest, io: CliIo): Promise<QueuedJob[]> {
  // Without apiUrl the fleet is on github.com, which certainly has none: no request needed.
  if (github.apiUrl === undefined) throw new ConfigError([{ path: "", message: NO_ENDPOINT }]);
  const { githubFetch, timeoutMs, retryAfterBaseMs } = io.runtime ?? {};
  try {
    return await queueSandboxJobs(
      {
        auth: github.auth,
        apiUrl: github.apiUrl,
        ...(githubFetch ? { fetch: githubFetch } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        ...(retryAfterBaseMs === undefined ? {} : { throttle: { retryAfterBaseMs }, retry: { retryAfterBaseMs } }),
      },
      request,
    );
  } catch (error) {
    if (error instanceof NotFoundError && error.ref === SANDBOX_JOBS_ROUTE) {
      throw new ConfigError([{ path: "", message: NO_ENDPOINT }]);
    }
    throw error;
  }
}

/** `--repository` checked as `owner/repo`, else the fleet's repository; an org or enterprise fleet must name one. */
function repositoryOf(flag: string | undefined, path: GitHubPath): string {
  if (flag === undefined) {
    if (path.kind === "repo") return formatGitHubPath(path);
    const example = path.kind === "org" ? `${path.org}/app` : "owner/repo";
    throw new UsageError([{ path: "--repository", message: `required: the fleet's GitHub path is ${describeGitHubPath(path)}; name the jobs' repository, e.g. --repository ${example}` }]);
  }
  let parsed: GitHubPath | undefined;
  try {
    parsed = parseGitHubPath(flag);
  } catch {
    parsed = undefined;
  }
  if (parsed?.kind !== "repo") throw new UsageError([{ path: "--repository", message: `'${flag}' is not a repository: use 'owner/repo'` }]);
  return formatGitHubPath(parsed);
}

/** Whether runners registered at `path` can take jobs of `repository` (GitHub's scoping rules). */
function serves(path: GitHubPath, repository: string): boolean {
  const repo = repository.toLowerCase();
  if (path.kind === "repo") return formatGitHubPath(path).toLowerCase() === repo;
  if (path.kind === "org") return repo.startsWith(`${path.org.toLowerCase()}/`);
  return true;
}

function renderJobs(jobs: QueuedJob[]): string {
  return renderTable(
    [{ header: "job", align: "right" }, { header: "run", align: "right" }, "status", "workflow", "labels"],
    jobs.map((j) => [String(j.id), String(j.runId), j.status, j.workflow, j.labels.join(",")]),
  );
}
