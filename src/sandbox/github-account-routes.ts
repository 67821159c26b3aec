/**
 * What an ordinary GitHub client asks before anything else: the repository (`full-repository`),
 * the organization (`organization-full`), the token's user (`private-user`) and the rate limit
 * (`rate-limit-overview`, free of charge). Every repository and organization exists, as for the
 * runner endpoints; ids are the ones webhook payloads use.
 * https://docs.github.com/rest/repos/repos#get-a-repository
 */
import { parseAuthorization } from "./github-auth.js";
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, baseUrlOf, githubError, iso } from "./github-http.js";
import { ANONYMOUS_LIMIT, peekPrimary } from "./github-ratelimit.js";
import { accountJson, organizationJson, REPO_CREATED, repositoryJson, SENDER } from "./github-webhook-payload.js";
import { accountId } from "./github-webhook-store.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** Repository, organization, user and rate-limit routes. */
export function accountRoutes(ctx: SideContext): Route[] {
  return [
    guarded(ctx, "read", "GET", "/repos/{owner}/{repo}", (req) => getRepository(ctx, req)),
    guarded(ctx, "read", "GET", "/orgs/{org}", (req) => getOrganization(ctx, req)),
    guarded(ctx, "read", "GET", "/user", (req) => getUser(ctx, req)),
    // Not guarded: asking for the rate limit does not count against it, and works without a token.
    { method: "GET", pattern: "/rate_limit", handle: (req) => rateLimit(ctx, req) },
  ];
}

/** The repository and owner ids of `owner/repo`, shared with webhook payloads. */
export function repositoryIds(ctx: SideContext, owner: string, repo: string): { repositoryId: number; organizationId: number } {
  const { webhooks } = ctx.world.state;
  return { repositoryId: accountId(webhooks, "repo", `${owner}/${repo}`), organizationId: accountId(webhooks, "org", owner) };
}

// --- internal ---

function getRepository(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const { owner = "", repo = "" } = req.params;
  const api = baseUrlOf(req);
  const ids = repositoryIds(ctx, owner, repo);
  const body = {
    ...repositoryJson(api, `${owner}/${repo}`, ids, REPO_CREATED),
    // What the token may do: admin tokens administer every repository, read tokens only read.
    permissions: permissionsOf(ctx, req),
    organization: accountJson(api, owner, ids.organizationId, "Organization"),
    network_count: 0,
    subscribers_count: 0,
  };
  return { status: 200, body };
}

function getOrganization(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const login = req.params.org ?? "";
  const id = accountId(ctx.world.state.webhooks, "org", login);
  const body = {
    ...organizationJson(baseUrlOf(req), login, id),
    name: login,
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `https://github.com/${login}`,
    type: "Organization",
    created_at: iso(REPO_CREATED),
    updated_at: iso(REPO_CREATED),
    archived_at: null,
  };
  return { status: 200, body };
}

function getUser(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  // An installation token acts as the app, not as a user (those are the ones that expire).
  const record = ctx.world.state.tokens[credentialOf(req) ?? ""];
  if (record?.expiresAt !== undefined) return githubError(403, "Resource not accessible by integration", "https://docs.github.com/rest/users/users#get-the-authenticated-user");
  const body = {
    ...accountJson(baseUrlOf(req), SENDER.login, SENDER.id, "User"),
    user_view_type: "private",
    name: "Sandbox User",
    company: null,
    blog: "",
    location: null,
    email: null,
    notification_email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: iso(REPO_CREATED),
    updated_at: iso(REPO_CREATED),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: "free", space: 976562499, private_repos: 10000, collaborators: 0 },
  };
  return { status: 200, body };
}

/** `GET /rate_limit`: the caller's core window as it stands, the other resources untouched. */
function rateLimit(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const { world } = ctx;
  const now = world.now();
  const credential = credentialOf(req);
  const record = credential === undefined ? undefined : world.state.tokens[credential];
  if (credential !== undefined && (record === undefined || (record.expiresAt !== undefined && record.expiresAt <= now))) {
    return githubError(401, "Bad credentials", DOCS.rest);
  }
  const core = credential === undefined ? peekPrimary(world.state, "anonymous", ANONYMOUS_LIMIT, now) : peekPrimary(world.state, credential, ctx.primaryLimit, now);
  const fresh = (limit: number, windowS: number) => ({ limit, used: 0, remaining: limit, reset: Math.ceil(now / 1000) + windowS });
  const coreJson = { limit: core.limit, used: core.used, remaining: core.remaining, reset: core.reset };
  const anonymous = credential === undefined;
  const body = {
    resources: {
      core: coreJson,
      search: fresh(anonymous ? 10 : 30, 60),
      graphql: fresh(anonymous ? 0 : 5000, 3600),
      integration_manifest: fresh(5000, 3600),
      code_search: fresh(anonymous ? 0 : 10, 60),
      actions_runner_registration: fresh(10000, 3600),
    },
    rate: coreJson,
  };
  return { status: 200, body, headers: core.headers };
}

function permissionsOf(ctx: SideContext, req: SandboxRequest): Record<string, boolean> {
  const admin = ctx.world.state.tokens[credentialOf(req) ?? ""]?.permissions === "admin";
  return { admin, maintain: admin, push: admin, triage: admin, pull: true };
}

function credentialOf(req: SandboxRequest): string | undefined {
  const header = req.headers.authorization;
  return parseAuthorization(Array.isArray(header) ? header[0] : header)?.credential;
}
