/**
 * Webhook management, the same for repositories and organizations: create (GitHub then pings the
 * new hook), list, get, update, delete and ping. Admin tokens only, as GitHub wants repository
 * admins and organization owners (`admin:repo_hook` / `admin:org_hook` for classic PATs).
 * https://docs.github.com/rest/repos/webhooks https://docs.github.com/rest/orgs/webhooks
 */
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, baseUrlOf, githubError, intParam, paginate } from "./github-http.js";
import { scopeOf } from "./github-state.js";
import { hookJson, hookValidationError, parseHookBody } from "./github-webhook-hooks.js";
import { findHook } from "./github-webhook-store.js";
import type { SandboxHook } from "./github-webhook-types.js";
import type { WebhookService } from "./github-webhooks.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** The two places hooks live. */
export const HOOK_SCOPES = ["/repos/{owner}/{repo}", "/orgs/{org}"] as const;

/** Every hook management route. */
export function hookRoutes(ctx: SideContext, webhooks: WebhookService): Route[] {
  const h = new HookHandlers(ctx, webhooks);
  return HOOK_SCOPES.flatMap((prefix) => [
    guarded(ctx, "admin", "GET", `${prefix}/hooks`, (req) => h.list(req)),
    guarded(ctx, "admin", "POST", `${prefix}/hooks`, (req) => h.create(req)),
    guarded(ctx, "admin", "GET", `${prefix}/hooks/{hook_id}`, (req) => h.withHook(req, (hook) => ({ status: 200, body: hookJson(baseUrlOf(req), hook) }))),
    guarded(ctx, "admin", "PATCH", `${prefix}/hooks/{hook_id}`, (req) => h.withHook(req, (hook) => h.update(req, hook))),
    guarded(ctx, "admin", "DELETE", `${prefix}/hooks/{hook_id}`, (req) => h.withHook(req, (hook) => h.remove(hook))),
    guarded(ctx, "admin", "POST", `${prefix}/hooks/{hook_id}/pings`, (req) => h.withHook(req, (hook) => h.pingHook(hook))),
  ]);
}

/** The documentation page a hook route's errors cite. */
export function hookDocs(req: SandboxRequest): string {
  return req.params.org !== undefined ? DOCS.orgHooks : DOCS.repoHooks;
}

// --- internal ---

class HookHandlers {
  constructor(
    private readonly ctx: SideContext,
    private readonly webhooks: WebhookService,
  ) {}

  list(req: SandboxRequest): SandboxResponse {
    const scope = scopeOf(req.params);
    const all = this.ctx.world.state.webhooks.hooks.filter((hook) => hook.scope === scope);
    const { page, headers } = paginate(req, all);
    return { status: 200, body: page.map((hook) => hookJson(baseUrlOf(req), hook)), headers };
  }

  create(req: SandboxRequest): SandboxResponse {
    const scope = scopeOf(req.params);
    const org = req.params.org !== undefined;
    const parsed = parseHookBody(req.body, org);
    if ("problems" in parsed) return hookValidationError(parsed.problems, hookDocs(req));
    const { world } = this.ctx;
    const state = world.state.webhooks;
    if (state.hooks.some((hook) => hook.scope === scope && hook.config.url === parsed.config.url)) {
      const message = `Hook already exists on this ${org ? "organization" : "repository"}`;
      return hookValidationError([{ resource: "Hook", code: "custom", message }], hookDocs(req));
    }
    const now = world.now();
    const hook: SandboxHook = {
      id: state.counters.hookId++,
      scope,
      name: "web",
      ...parsed,
      createdAt: now,
      updatedAt: now,
      lastResponse: { code: null, status: "unused", message: null },
    };
    state.hooks.push(hook);
    // "When you create a new webhook, GitHub will send you a simple ping event."
    // https://docs.github.com/webhooks/webhook-events-and-payloads#ping
    if (hook.active) this.webhooks.ping(hook);
    const body = hookJson(baseUrlOf(req), hook);
    return { status: 201, body, headers: { location: String(body.url) } };
  }

  update(req: SandboxRequest, hook: SandboxHook): SandboxResponse {
    const parsed = parseHookBody(req.body, req.params.org !== undefined, hook);
    if ("problems" in parsed) return hookValidationError(parsed.problems, hookDocs(req));
    Object.assign(hook, parsed, { updatedAt: this.ctx.world.now() });
    return { status: 200, body: hookJson(baseUrlOf(req), hook) };
  }

  remove(hook: SandboxHook): SandboxResponse {
    const state = this.ctx.world.state.webhooks;
    state.hooks = state.hooks.filter((h) => h !== hook);
    state.deliveries = state.deliveries.filter((d) => d.hookId !== hook.id);
    return { status: 204 };
  }

  pingHook(hook: SandboxHook): SandboxResponse {
    this.webhooks.ping(hook);
    return { status: 204 };
  }

  withHook(req: SandboxRequest, then: (hook: SandboxHook) => SandboxResponse): SandboxResponse {
    const hook = findHook(this.ctx.world.state.webhooks, scopeOf(req.params), intParam(req.params.hook_id));
    return hook === undefined ? githubError(404, "Not Found", hookDocs(req)) : then(hook);
  }
}
