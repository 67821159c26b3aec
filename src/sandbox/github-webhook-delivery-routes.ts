/**
 * The deliveries of a hook: list (newest first, cursor pages with a `Link: rel="next"` header,
 * `redelivery` and `status` filters), one delivery with its request and response, and
 * `POST …/attempts` to redeliver it (202; same GUID, `redelivery: true`). 3 days are kept.
 * https://docs.github.com/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 */
import { guarded, type SideContext } from "./github-guard.js";
import { baseUrlOf, githubError, intParam, iso } from "./github-http.js";
import { scopeOf } from "./github-state.js";
import { HOOK_SCOPES, hookDocs } from "./github-webhook-routes.js";
import { deliveriesOf, findHook } from "./github-webhook-store.js";
import type { HookDelivery, SandboxHook } from "./github-webhook-types.js";
import type { WebhookService } from "./github-webhooks.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** Every delivery route of repository and organization hooks. */
export function deliveryRoutes(ctx: SideContext, webhooks: WebhookService): Route[] {
  const withHook = (then: (req: SandboxRequest, hook: SandboxHook) => SandboxResponse) => (req: SandboxRequest) => {
    webhooks.prune();
    const hook = findHook(ctx.world.state.webhooks, scopeOf(req.params), intParam(req.params.hook_id));
    return hook === undefined ? githubError(404, "Not Found", hookDocs(req)) : then(req, hook);
  };
  const withDelivery = (then: (req: SandboxRequest, d: HookDelivery) => SandboxResponse) =>
    withHook((req, hook) => {
      const id = intParam(req.params.delivery_id);
      const delivery = ctx.world.state.webhooks.deliveries.find((d) => d.id === id && d.hookId === hook.id);
      return delivery === undefined ? githubError(404, "Not Found", hookDocs(req)) : then(req, delivery);
    });
  return HOOK_SCOPES.flatMap((prefix) => [
    guarded(ctx, "admin", "GET", `${prefix}/hooks/{hook_id}/deliveries`, withHook((req, hook) => listDeliveries(ctx, req, hook))),
    guarded(ctx, "admin", "GET", `${prefix}/hooks/{hook_id}/deliveries/{delivery_id}`, withDelivery((_req, d) => ({ status: 200, body: deliveryJson(ctx, d) }))),
    guarded(
      ctx,
      "admin",
      "POST",
      `${prefix}/hooks/{hook_id}/deliveries/{delivery_id}/attempts`,
      withDelivery((_req, d) => {
        webhooks.redeliver(d);
        return { status: 202, body: {} };
      }),
    ),
  ]);
}

// --- internal ---

// GitHub's cursors are opaque (`v1_…`); the sandbox's name the first delivery of the page.
const CURSOR = /^v1_(\d+)$/;

function listDeliveries(ctx: SideContext, req: SandboxRequest, hook: SandboxHook): SandboxResponse {
  const perPage = Math.min(100, Math.max(1, intParam(req.query.get("per_page")) ?? 30));
  const cursor = req.query.get("cursor");
  const from = cursor === null ? undefined : CURSOR.exec(cursor)?.[1];
  if (cursor !== null && from === undefined) return githubError(400, `Invalid cursor: ${cursor}`, hookDocs(req));
  const redelivery = req.query.get("redelivery");
  const status = req.query.get("status");
  // `status` classifies by status_code (OpenAPI `webhook-delivery-status`): success 200–399, failure 400–599,
  // so an attempt with no response (status_code 0) is in neither; look for `status` ≠ "OK" to find those.
  const all = deliveriesOf(ctx.world.state.webhooks, hook.id).filter(
    (d) =>
      (redelivery !== "true" || d.redelivery) &&
      (redelivery !== "false" || !d.redelivery) &&
      (status !== "success" || (d.statusCode >= 200 && d.statusCode <= 399)) &&
      (status !== "failure" || (d.statusCode >= 400 && d.statusCode <= 599)) &&
      (from === undefined || d.id <= Number(from)),
  );
  const page = all.slice(0, perPage);
  const next = all[perPage];
  if (next === undefined) return { status: 200, body: page.map(itemJson) };
  const query = new URLSearchParams(req.query);
  query.set("per_page", String(perPage));
  query.set("cursor", `v1_${next.id}`);
  return { status: 200, body: page.map(itemJson), headers: { link: `<${baseUrlOf(req)}${req.path}?${query.toString()}>; rel="next"` } };
}

/** A delivery as the list shows it (`hook-delivery-item`). */
function itemJson(d: HookDelivery): Record<string, unknown> {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: iso(d.deliveredAt),
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: null,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

/** One delivery with what was sent and what came back (`hook-delivery`). */
function deliveryJson(ctx: SideContext, d: HookDelivery): Record<string, unknown> {
  const event = ctx.world.state.webhooks.events[d.guid];
  const payload = event === undefined ? null : (JSON.parse(event.body) as unknown);
  return {
    ...itemJson(d),
    url: d.url,
    request: { headers: { ...d.requestHeaders }, payload },
    response: { headers: d.response.headers === null ? null : { ...d.response.headers }, payload: d.response.payload },
  };
}
