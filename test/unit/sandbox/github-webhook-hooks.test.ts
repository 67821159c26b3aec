import { describe, expect, it } from "vitest";
import { parseHookBody } from "../../../src/sandbox/github-webhook-hooks.js";
import { DELIVERY_RETENTION_MS, hooksCovering, pruneDeliveries } from "../../../src/sandbox/github-webhook-store.js";
import { createWebhookState, type HookDelivery, type SandboxHook } from "../../../src/sandbox/github-webhook-types.js";

function hook(id: number, scope: string, events: string[], active = true): SandboxHook {
  const config = { url: `http://127.0.0.1:1/${id}`, contentType: "json" as const, insecureSsl: "0" };
  return { id, scope, name: "web", active, events, config, createdAt: 0, updatedAt: 0, lastResponse: { code: null, status: "unused", message: null } };
}

function delivery(id: number, guid: string, deliveredAt: number): HookDelivery {
  return {
    id, guid, hookId: 1, deliveredAt, redelivery: false, duration: 0.01, status: "OK", statusCode: 200, event: "workflow_job",
    action: "queued", repositoryId: 7, url: "http://127.0.0.1:1/", requestHeaders: {}, response: { headers: {}, payload: "" },
  };
}

describe("hook bodies", () => {
  it("defaults a create to an active form hook subscribed to push, as GitHub does", () => {
    expect(parseHookBody({ config: { url: "https://example.com/hook" } }, false)).toStrictEqual({
      active: true,
      events: ["push"],
      config: { url: "https://example.com/hook", contentType: "form", insecureSsl: "0" },
    });
  });

  it("edits the event list of an update with add_events and remove_events and keeps the rest", () => {
    const existing = { ...hook(1, "repos/acme/app", ["workflow_job", "push"]), config: { url: "https://x.test/", contentType: "json" as const, secret: "s", insecureSsl: "0" } };
    expect(parseHookBody({ add_events: ["*"], remove_events: ["push"] }, false, existing)).toStrictEqual({
      active: true,
      events: ["workflow_job", "*"],
      config: existing.config,
    });
  });

  it("reports every problem of a body at once", () => {
    const parsed = parseHookBody({ name: "email", active: 1, events: [1], config: { url: "x", content_type: "yaml", insecure_ssl: "2", extra: 1 } }, true);
    expect("problems" in parsed && parsed.problems.map((p) => p.field)).toStrictEqual(["name", "active", "events", "config.extra", "url", "content_type", "insecure_ssl"]);
  });

  it("requires an organization hook to be named web", () => {
    expect(parseHookBody({ config: { url: "https://x.test/" } }, true)).toStrictEqual({
      problems: [{ resource: "Hook", code: "missing_field", field: "name", message: 'name must be "web"' }],
    });
  });
});

describe("the webhook store", () => {
  it("sends an event to the active hooks of the repository and of its owner organization that subscribe to it", () => {
    const state = createWebhookState();
    state.hooks = [
      hook(1, "repos/acme/app", ["workflow_job"]),
      hook(2, "orgs/acme", ["*"]),
      hook(3, "orgs/acme", ["push"]),
      hook(4, "repos/acme/app", ["workflow_job"], false),
      hook(5, "repos/acme/other", ["workflow_job"]),
      hook(6, "orgs/other", ["workflow_job"]),
    ];
    expect(hooksCovering(state, "Acme/App", "workflow_job").map((h) => h.id)).toStrictEqual([1, 2]);
  });

  it("drops deliveries past the retention or the cap, oldest first, and the events nothing refers to", () => {
    const state = createWebhookState();
    const now = 10 * DELIVERY_RETENTION_MS;
    for (const guid of ["old", "a", "b", "c", "pending"]) state.events[guid] = { guid, event: "workflow_job", action: "queued", repositoryId: 7, body: "{}", createdAt: 0 };
    state.deliveries = [delivery(1, "old", now - DELIVERY_RETENTION_MS - 1), delivery(2, "a", now - 10), delivery(3, "b", now - 5), delivery(4, "c", now)];
    pruneDeliveries(state, now, 2, (guid) => guid === "pending");
    expect(state.deliveries.map((d) => d.id)).toStrictEqual([3, 4]);
    expect(Object.keys(state.events).sort()).toStrictEqual(["b", "c", "pending"]);
  });
});
