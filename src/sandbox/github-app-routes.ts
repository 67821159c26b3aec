/**
 * The GitHub App endpoints an App client calls before it asks for an installation token: the app
 * itself (`integration`) and its installations (`installation`), all with the app's JWT. The
 * sandbox's app has one installation, on every account at once: looked up through a repository
 * or an organization it shows that account; listed, it shows {@link INSTALLATION_ACCOUNT}.
 * https://docs.github.com/rest/apps/apps
 */
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, baseUrlOf, githubError, intParam, iso, paginate } from "./github-http.js";
import { repositoryIds } from "./github-account-routes.js";
import { accountJson, REPO_CREATED } from "./github-webhook-payload.js";
import { accountId } from "./github-webhook-store.js";
import type { Route, SandboxRequest } from "./http.js";

/** The organization `GET /app/installations` shows the one installation on (the examples' org). */
export const INSTALLATION_ACCOUNT = "acme";

/** What the app may do and hears about (the installation token grants the same). */
const PERMISSIONS = { organization_self_hosted_runners: "write", administration: "write", actions: "read", metadata: "read" };
const EVENTS = ["workflow_job"];
const SLUG = "runner-fleet-sandbox";

/** `GET /app`, its installations (listed and by id) and the repository and organization installation lookups. */
export function appRoutes(ctx: SideContext): Route[] {
  const { state } = ctx.world;
  return [
    guarded(ctx, "app-jwt", "GET", "/app", (req) => ({ status: 200, body: appJson(ctx, baseUrlOf(req)) })),
    guarded(ctx, "app-jwt", "GET", "/app/installations", (req) => {
      const id = accountId(state.webhooks, "org", INSTALLATION_ACCOUNT);
      const { page, headers } = paginate(req, [installationJson(ctx, req, INSTALLATION_ACCOUNT, id)]);
      return { status: 200, body: page, headers };
    }),
    guarded(ctx, "app-jwt", "GET", "/app/installations/{installation_id}", (req) => {
      if (intParam(req.params.installation_id) !== state.app.installationId) return githubError(404, "Not Found", DOCS.apps);
      return { status: 200, body: installationJson(ctx, req, INSTALLATION_ACCOUNT, accountId(state.webhooks, "org", INSTALLATION_ACCOUNT)) };
    }),
    guarded(ctx, "app-jwt", "GET", "/repos/{owner}/{repo}/installation", (req) => {
      const owner = req.params.owner ?? "";
      return { status: 200, body: installationJson(ctx, req, owner, repositoryIds(ctx, owner, req.params.repo ?? "").organizationId) };
    }),
    guarded(ctx, "app-jwt", "GET", "/orgs/{org}/installation", (req) => {
      const org = req.params.org ?? "";
      return { status: 200, body: installationJson(ctx, req, org, accountId(state.webhooks, "org", org)) };
    }),
  ];
}

// --- internal ---

function appJson(ctx: SideContext, api: string): Record<string, unknown> {
  const { appId } = ctx.world.state.app;
  const ownerId = accountId(ctx.world.state.webhooks, "org", INSTALLATION_ACCOUNT);
  return {
    id: appId,
    slug: SLUG,
    node_id: `A_kwDO${Buffer.from(String(appId)).toString("base64url")}`,
    client_id: `Iv23li${String(appId).padStart(14, "0")}`,
    owner: accountJson(api, INSTALLATION_ACCOUNT, ownerId, "Organization"),
    name: "runner-fleet sandbox",
    description: "The GitHub App of the runner-fleet sandbox",
    external_url: "https://github.com",
    html_url: `https://github.com/apps/${SLUG}`,
    created_at: iso(REPO_CREATED),
    updated_at: iso(REPO_CREATED),
    permissions: PERMISSIONS,
    events: EVENTS,
    installations_count: 1,
  };
}

function installationJson(ctx: SideContext, req: SandboxRequest, login: string, accountIdValue: number): Record<string, unknown> {
  const api = baseUrlOf(req);
  const { appId, installationId } = ctx.world.state.app;
  return {
    id: installationId,
    client_id: `Iv23li${String(appId).padStart(14, "0")}`,
    // The list's schema wants the account to be a simple-user *and* an enterprise (allOf), so it
    // carries the enterprise's required name, slug and timestamps too.
    account: { ...accountJson(api, login, accountIdValue, "Organization"), name: login, slug: login, created_at: iso(REPO_CREATED), updated_at: iso(REPO_CREATED) },
    repository_selection: "all",
    access_tokens_url: `${api}/app/installations/${installationId}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `https://github.com/organizations/${login}/settings/installations/${installationId}`,
    app_id: appId,
    app_slug: SLUG,
    target_id: accountIdValue,
    target_type: "Organization",
    permissions: PERMISSIONS,
    events: EVENTS,
    created_at: iso(REPO_CREATED),
    updated_at: iso(REPO_CREATED),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
