import { sign } from "@octokit/webhooks-methods";
import { beforeEach, describe, expect, it } from "vitest";
import { GitHubAuthError } from "../../../src/manager/errors.js";
import { createWebhookSource } from "../../../src/demand/webhook-source.js";
import { FakeHookDeliveries, MemoryDemandStore, RecordingSink } from "./fakes.js";

const SECRET = "source-secret";
const NOW = new Date("2026-12-03T12:00:00Z");

async function queued(jobId: number) {
  const text = JSON.stringify({ action: "queued", workflow_job: { id: jobId, labels: ["self-hosted"] }, repository: { full_name: "acme/app" } });
  return {
    headers: { "x-github-event": "workflow_job", "x-github-delivery": `guid-${jobId}`, "x-hub-signature-256": await sign(SECRET, text) },
    body: Buffer.from(text),
  };
}

describe("createWebhookSource", () => {
  let store: MemoryDemandStore;
  let hook: FakeHookDeliveries;
  let sink: RecordingSink;
  const build = (withDeliveries = true) =>
    createWebhookSource({ secret: SECRET, labels: [], store, now: () => NOW, ...(withDeliveries ? { deliveries: hook } : {}) });
  beforeEach(() => {
    store = new MemoryDemandStore();
    hook = new FakeHookDeliveries();
    sink = new RecordingSink();
  });

  it("refuses deliveries with 503 before it is started and after it is stopped", async () => {
    const source = build();
    expect((await source.handle(await queued(1))).status).toBe(503);
    await source.start(sink);
    await source.stop();
    expect((await source.handle(await queued(2))).status).toBe(503);
    expect(source.status()).toEqual({ connected: false, detail: "webhook receiver stopped" });
    expect(await store.listJobs()).toEqual([]);
  });

  it("hands accepted deliveries to the sink it was started with", async () => {
    const source = build(false);
    await source.start(sink);
    expect((await source.handle(await queued(3))).outcome).toBe("accepted");
    expect(sink.events.map((e) => e.jobId)).toEqual([3]);
    expect(source.status()).toEqual({ connected: true, detail: "receiving; no delivery recovery configured" });
  });

  it("redelivers missed deliveries on start and reports it in its status", async () => {
    hook.add({ guid: "lost", deliveredAt: new Date(NOW.getTime() - 60_000), status: "Timed out", statusCode: 0 });
    const source = build();
    await source.start(sink);
    expect(hook.redelivered).toEqual([1]);
    expect(source.status().detail).toBe("receiving; recovery redelivered 1 of 1 missed deliveries");
  });

  it("still starts when the token may not list deliveries, and says the reconcile must cover it", async () => {
    hook.failList = new GitHubAuthError("Resource not accessible by integration", 403);
    const source = build();
    await source.start(sink);
    expect(source.recovery).toMatchObject({ status: "unavailable", reason: "permission" });
    expect(source.status()).toMatchObject({ connected: true, detail: expect.stringContaining("periodic reconcile") });
  });

  it("lets a delivery being handled finish before stop resolves", async () => {
    const source = build(false);
    await source.start(sink);
    const handling = source.handle(await queued(4));
    await source.stop();
    expect(sink.events.map((e) => e.jobId)).toEqual([4]);
    expect((await handling).outcome).toBe("accepted");
  });
});
