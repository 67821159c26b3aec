/**
 * Webhook payloads in GitHub's shapes (`webhook-workflow-job-*`, `webhook-ping` of the webhooks
 * OpenAPI description): the job as the REST API shows it, plus `repository`, `organization` and
 * `sender`. Every repository owner counts as an organization, so `organization` is always there:
 * the sandbox has no user accounts, and org runners and org hooks work for every owner.
 * https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_job
 */
import type { JobAction } from "./github-jobs.js";
import { iso } from "./github-http.js";
import { jobJson } from "./github-shapes.js";
import type { SandboxJob } from "./github-state.js";

/** Ids of the accounts a payload names. */
export interface PayloadIds {
  repositoryId: number;
  organizationId: number;
}

/** The user every event is attributed to (the sandbox has no users; jobs come from nowhere). */
export const SENDER = { login: "sandbox-user", id: 1_000_001 } as const;

/** When every repository (and organization) was created; the schemas want a timestamp. */
export const REPO_CREATED = Date.UTC(2024, 0, 2, 3, 4, 5);
const ZEN = "Keep it logically awesome.";

/** A `workflow_job` payload for one transition of `job`. */
export function workflowJobPayload(api: string, job: SandboxJob, action: JobAction, ids: PayloadIds, now: number): Record<string, unknown> {
  const [owner = ""] = job.repository.split("/");
  return {
    action,
    workflow_job: jobJson(api, job),
    repository: repositoryJson(api, job.repository, ids, now),
    organization: organizationJson(api, owner, ids.organizationId),
    sender: accountJson(api, SENDER.login, SENDER.id, "User"),
  };
}

/** The `ping` payload GitHub sends when a hook is created or pinged; `hook` is the hook's REST shape. */
export function pingPayload(
  api: string,
  hook: Record<string, unknown>,
  where: { repository: string; ids: PayloadIds } | { organization: string; id: number },
): Record<string, unknown> {
  const place =
    "repository" in where
      ? { repository: repositoryJson(api, where.repository, where.ids, REPO_CREATED) }
      : { organization: organizationJson(api, where.organization, where.id) };
  return { zen: ZEN, hook_id: hook.id, hook, ...place, sender: accountJson(api, SENDER.login, SENDER.id, "User") };
}

// --- internal ---

// The templated `*_url` fields of a repository, relative to its API URL.
const REPO_URLS: Record<string, string> = {
  forks_url: "/forks", keys_url: "/keys{/key_id}", collaborators_url: "/collaborators{/collaborator}", teams_url: "/teams",
  hooks_url: "/hooks", issue_events_url: "/issues/events{/number}", events_url: "/events", assignees_url: "/assignees{/user}",
  branches_url: "/branches{/branch}", tags_url: "/tags", blobs_url: "/git/blobs{/sha}", git_tags_url: "/git/tags{/sha}",
  git_refs_url: "/git/refs{/sha}", trees_url: "/git/trees{/sha}", statuses_url: "/statuses/{sha}", languages_url: "/languages",
  stargazers_url: "/stargazers", contributors_url: "/contributors", subscribers_url: "/subscribers",
  subscription_url: "/subscription", commits_url: "/commits{/sha}", git_commits_url: "/git/commits{/sha}",
  comments_url: "/comments{/number}", issue_comment_url: "/issues/comments{/number}", contents_url: "/contents/{+path}",
  compare_url: "/compare/{base}...{head}", merges_url: "/merges", archive_url: "/{archive_format}{/ref}",
  downloads_url: "/downloads", issues_url: "/issues{/number}", pulls_url: "/pulls{/number}",
  milestones_url: "/milestones{/number}", notifications_url: "/notifications{?since,all,participating}",
  labels_url: "/labels{/name}", releases_url: "/releases{/id}", deployments_url: "/deployments",
};

/** A repository as payloads embed it (the REST `full-repository` builds on it: github-account-routes.ts). */
export function repositoryJson(api: string, fullName: string, ids: PayloadIds, pushedAt: number): Record<string, unknown> {
  const [owner = "", name = ""] = fullName.split("/");
  const url = `${api}/repos/${fullName}`;
  const html = `https://github.com/${fullName}`;
  const urls = Object.fromEntries(Object.entries(REPO_URLS).map(([k, v]) => [k, `${url}${v}`]));
  return {
    id: ids.repositoryId,
    node_id: nodeId("R_kgDO", ids.repositoryId),
    name,
    full_name: fullName,
    // Self-hosted runner fleets mostly serve private repositories.
    private: true,
    owner: accountJson(api, owner, ids.organizationId, "Organization"),
    html_url: html,
    description: null,
    fork: false,
    url,
    ...urls,
    created_at: iso(REPO_CREATED),
    updated_at: iso(REPO_CREATED),
    pushed_at: iso(pushedAt),
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: "private",
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: "main",
    custom_properties: {},
  };
}

/** An organization as payloads embed it (`organization-simple`). */
export function organizationJson(api: string, login: string, id: number): Record<string, unknown> {
  const url = `${api}/orgs/${login}`;
  return {
    login,
    id,
    node_id: nodeId("O_kgDO", id),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    description: null,
  };
}

/** A `simple-user` (GitHub uses the same shape for organizations as repository owners). */
export function accountJson(api: string, login: string, id: number, type: "User" | "Organization"): Record<string, unknown> {
  const url = `${api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId(type === "User" ? "U_kgDO" : "O_kgDO", id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}${Buffer.from(String(id)).toString("base64url")}`;
}
