/**
 * Sandbox state rendered in GitHub's OpenAPI shapes (`runner`, `job`, `runner-groups-org`,
 * `runner-groups-enterprise`). The integration test validates every one of them against the
 * published description.
 */
import { createHash } from "node:crypto";
import { iso } from "./github-http.js";
import { READ_ONLY_LABELS, RUNNER_GROUPS, type SandboxJob, type SandboxRunner } from "./github-state.js";
import type { GitHubWorld } from "./github-world.js";

/** The runner version GitHub reports once a runner has connected. */
export const RUNNER_VERSION = "2.323.0";

/** A runner as GitHub lists it: the lagging busy flag, never the true one. */
export function runnerJson(world: GitHubWorld, runner: SandboxRunner): Record<string, unknown> {
  return {
    id: runner.id,
    name: runner.name,
    os: "linux",
    status: runner.status,
    busy: world.listedBusy(runner),
    ephemeral: runner.ephemeral,
    runner_group_id: runner.groupId,
    // Only set once the runner has connected (OpenAPI: "at least once").
    version: runner.onlineAt !== undefined && runner.onlineAt <= world.now() ? RUNNER_VERSION : null,
    labels: runner.labels.map((name) => ({
      id: world.labelId(name),
      name,
      type: READ_ONLY_LABELS.has(name.toLowerCase()) ? "read-only" : "custom",
    })),
  };
}

/** A workflow job as `GET …/actions/jobs/{job_id}` returns it. */
export function jobJson(base: string, job: SandboxJob): Record<string, unknown> {
  const repo = job.repository;
  const groupName = RUNNER_GROUPS.find((g) => g.id === job.runnerGroupId)?.name ?? null;
  return {
    id: job.id,
    run_id: job.runId,
    run_url: `${base}/repos/${repo}/actions/runs/${job.runId}`,
    run_attempt: 1,
    node_id: `CR_kwDO${Buffer.from(String(job.id)).toString("base64url")}`,
    head_sha: createHash("sha1").update(`${repo}#${job.runId}`).digest("hex"),
    url: `${base}/repos/${repo}/actions/jobs/${job.id}`,
    html_url: `https://github.com/${repo}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: iso(job.createdAt),
    // GitHub fills started_at for queued jobs too (the schema makes it required and non-null).
    started_at: iso(job.startedAt ?? job.createdAt),
    completed_at: job.completedAt === undefined ? null : iso(job.completedAt),
    name: "build",
    steps: [],
    check_run_url: `${base}/repos/${repo}/check-runs/${job.id}`,
    labels: job.labels,
    runner_id: job.runnerId ?? null,
    runner_name: job.runnerName ?? null,
    runner_group_id: job.runnerGroupId ?? null,
    runner_group_name: groupName,
    workflow_name: job.workflow,
    head_branch: "main",
  };
}

/** The runner groups of an org or enterprise scope, in the matching OpenAPI shape. */
export function runnerGroupsJson(base: string, scopePath: string, enterprise: boolean): Record<string, unknown>[] {
  return RUNNER_GROUPS.map((g) => ({
    id: g.id,
    name: g.name,
    visibility: "all",
    default: g.default,
    runners_url: `${base}${scopePath}/actions/runner-groups/${g.id}/runners`,
    allows_public_repositories: false,
    restricted_to_workflows: false,
    selected_workflows: [],
    workflow_restrictions_read_only: false,
    ...(enterprise ? {} : { inherited: false }),
  }));
}
