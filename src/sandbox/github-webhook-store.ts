/**
 * Queries and upkeep over the webhook state: which hooks an event goes to, stable account ids,
 * and dropping what GitHub no longer keeps (deliveries older than 3 days).
 * https://docs.github.com/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks
 */
import type { HookTarget } from "./github-webhook-signing.js";
import type { HookDelivery, SandboxHook, WebhookState } from "./github-webhook-types.js";

/** How long GitHub keeps deliveries for listing and redelivery ("the past 3 days"). */
export const DELIVERY_RETENTION_MS = 3 * 24 * 3_600_000;

/** A stable id for a repository (`owner/repo`) or organization name, as GitHub numbers accounts. */
export function accountId(state: WebhookState, kind: "repo" | "org", name: string): number {
  const key = `${kind}:${name.toLowerCase()}`;
  const id = state.accountIds[key] ?? state.counters.accountId++;
  state.accountIds[key] = id;
  return id;
}

/** Active hooks subscribed to `event` whose scope covers `repository`: the repo's own and its owner org's. */
export function hooksCovering(state: WebhookState, repository: string, event: string): SandboxHook[] {
  const repo = repository.toLowerCase();
  const owner = repo.split("/")[0] ?? "";
  return state.hooks.filter(
    (h) => h.active && (h.events.includes(event) || h.events.includes("*")) && (h.scope === `repos/${repo}` || h.scope === `orgs/${owner}`),
  );
}

/** The hook with this id in this scope (a repo's hook is not reachable through another repo). */
export function findHook(state: WebhookState, scope: string, id: number | undefined): SandboxHook | undefined {
  return state.hooks.find((h) => h.id === id && h.scope === scope);
}

/** The `X-GitHub-Hook-Installation-Target-*` of a hook: its repository or organization. */
export function hookTarget(state: WebhookState, hook: SandboxHook): HookTarget {
  const [kind, ...rest] = hook.scope.split("/");
  const name = rest.join("/");
  return kind === "repos" ? { type: "repository", id: accountId(state, "repo", name) } : { type: "organization", id: accountId(state, "org", name) };
}

/** A hook's deliveries, newest first. */
export function deliveriesOf(state: WebhookState, hookId: number): HookDelivery[] {
  return state.deliveries.filter((d) => d.hookId === hookId).sort((a, b) => b.id - a.id);
}

/**
 * Drops deliveries older than the retention and, past `max`, the oldest ones (the sandbox bounds
 * its memory; GitHub only has the 3 days), then events no kept or `pending` delivery needs.
 */
export function pruneDeliveries(state: WebhookState, now: number, max: number, pending: (guid: string) => boolean): void {
  const cutoff = now - DELIVERY_RETENTION_MS;
  const first = state.deliveries[0];
  const stale = first !== undefined && first.deliveredAt < cutoff;
  if (!stale && state.deliveries.length <= max) return;
  const kept = state.deliveries.filter((d) => d.deliveredAt >= cutoff);
  state.deliveries = kept.slice(Math.max(0, kept.length - max));
  const used = new Set(state.deliveries.map((d) => d.guid));
  for (const guid of Object.keys(state.events)) {
    if (!used.has(guid) && !pending(guid)) delete state.events[guid];
  }
}
