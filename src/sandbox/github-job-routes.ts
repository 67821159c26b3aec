/**
 * Workflow job endpoints (the manager reads queue time and conclusion from them), the installation
 * token exchange of GitHub Apps, and the API root.
 */
import { randomToken } from "./github-auth.js";
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, baseUrlOf, githubError, intParam, iso, paginate } from "./github-http.js";
import { jobJson } from "./github-shapes.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

const HOUR_MS = 3_600_000;

/** Job, app-token and root routes. */
export function jobAndAppRoutes(ctx: SideContext): Route[] {
  return [
    guarded(ctx, "read", "GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs", (req) => listRunJobs(ctx, req)),
    guarded(ctx, "read", "GET", "/repos/{owner}/{repo}/actions/jobs/{job_id}", (req) => getJob(ctx, req)),
    guarded(ctx, "app-jwt", "POST", "/app/installations/{installation_id}/access_tokens", (req) => installationToken(ctx, req)),
    guarded(ctx, "none", "GET", "/", (req) => ({ status: 200, body: rootJson(baseUrlOf(req)) })),
  ];
}

// --- internal ---

function repositoryOf(req: SandboxRequest): string {
  return `${req.params.owner ?? ""}/${req.params.repo ?? ""}`.toLowerCase();
}

function listRunJobs(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const runId = intParam(req.params.run_id);
  const repo = repositoryOf(req);
  const all = ctx.world.state.jobs.filter((j) => j.runId === runId && j.repository.toLowerCase() === repo);
  if (all.length === 0) return githubError(404, "Not Found", DOCS.jobs);
  const { page, headers } = paginate(req, all);
  const base = baseUrlOf(req);
  return { status: 200, body: { total_count: all.length, jobs: page.map((j) => jobJson(base, j)) }, headers };
}

function getJob(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const id = intParam(req.params.job_id);
  const repo = repositoryOf(req);
  const job = ctx.world.state.jobs.find((j) => j.id === id && j.repository.toLowerCase() === repo);
  if (job === undefined) return githubError(404, "Not Found", DOCS.jobs);
  return { status: 200, body: jobJson(baseUrlOf(req), job) };
}

function installationToken(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const { state } = ctx.world;
  if (intParam(req.params.installation_id) !== state.app.installationId) return githubError(404, "Not Found", DOCS.apps);
  const token = randomToken("ghs_");
  const expiresAt = ctx.world.now() + HOUR_MS;
  state.tokens[token] = { permissions: "admin", expiresAt };
  const permissions = { organization_self_hosted_runners: "write", administration: "write", actions: "read" };
  return { status: 201, body: { token, expires_at: iso(expiresAt), permissions, repository_selection: "all" } };
}

/** The API root's hypermedia links, as `GET /` serves them (the `root` schema requires them all). */
function rootJson(base: string): Record<string, string> {
  const links: Record<string, string> = {
    current_user_url: "/user",
    current_user_authorizations_html_url: "https://github.com/settings/connections/applications{/client_id}",
    authorizations_url: "/authorizations",
    code_search_url: "/search/code?q={query}{&page,per_page,sort,order}",
    commit_search_url: "/search/commits?q={query}{&page,per_page,sort,order}",
    emails_url: "/user/emails",
    emojis_url: "/emojis",
    events_url: "/events",
    feeds_url: "/feeds",
    followers_url: "/user/followers",
    following_url: "/user/following{/target}",
    gists_url: "/gists{/gist_id}",
    hub_url: "/hub",
    issue_search_url: "/search/issues?q={query}{&page,per_page,sort,order}",
    issues_url: "/issues",
    keys_url: "/user/keys",
    label_search_url: "/search/labels?q={query}&repository_id={repository_id}{&page,per_page}",
    notifications_url: "/notifications",
    organization_url: "/orgs/{org}",
    organization_repositories_url: "/orgs/{org}/repos{?type,page,per_page,sort}",
    organization_teams_url: "/orgs/{org}/teams",
    public_gists_url: "/gists/public",
    rate_limit_url: "/rate_limit",
    repository_url: "/repos/{owner}/{repo}",
    repository_search_url: "/search/repositories?q={query}{&page,per_page,sort,order}",
    current_user_repositories_url: "/user/repos{?type,page,per_page,sort}",
    starred_url: "/user/starred{/owner}{/repo}",
    starred_gists_url: "/gists/starred",
    topic_search_url: "/search/topics?q={query}{&page,per_page}",
    user_url: "/users/{user}",
    user_organizations_url: "/user/orgs",
    user_repositories_url: "/users/{user}/repos{?type,page,per_page,sort}",
    user_search_url: "/search/users?q={query}{&page,per_page,sort,order}",
  };
  return Object.fromEntries(Object.entries(links).map(([k, v]) => [k, v.startsWith("/") ? `${base}${v}` : v]));
}
