import { sign } from "@octokit/webhooks-methods";
import { beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/manager/errors.js";
import { createWebhookHandler, type WebhookHandler, type WebhookRequest } from "../../../src/demand/webhook.js";
import { MemoryDemandStore, RecordingSink } from "./fakes.js";

const SECRET = "s3cr3t-for-tests";
const NOW = new Date("2026-12-03T10:00:00Z");
let guidCounter = 0;

/** A `workflow_job` payload for job `id`; `extra` adds fields that must never be echoed. */
function payload(action: string, id: number, labels = ["self-hosted", "linux", "gpu"], extra: Record<string, unknown> = {}) {
  return {
    action,
    workflow_job: {
      id, run_id: 9, labels, status: action, conclusion: action === "completed" ? "success" : null,
      runner_name: action === "queued" ? null : "ci-0123456789ab",
      created_at: "2026-12-03T09:59:00Z", started_at: action === "queued" ? "2026-12-03T09:59:00Z" : "2026-12-03T09:59:30Z",
      completed_at: action === "completed" ? "2026-12-03T10:00:00Z" : null,
    },
    repository: { full_name: "acme/app" },
    ...extra,
  };
}

/** A delivery signed like GitHub signs it; `signWith: null` leaves it unsigned. */
async function delivery(body: unknown, options: { event?: string; guid?: string; signWith?: string | null; raw?: string; contentType?: string } = {}) {
  const text = options.raw ?? JSON.stringify(body);
  const headers: WebhookRequest["headers"] = {
    "x-github-event": options.event ?? "workflow_job",
    "x-github-delivery": options.guid ?? `guid-${guidCounter++}`,
    "content-type": options.contentType ?? "application/json",
  };
  if (options.signWith !== null && text.length > 0) headers["x-hub-signature-256"] = await sign(options.signWith ?? SECRET, text);
  return { headers, body: Buffer.from(text, "utf8") };
}

describe("createWebhookHandler", () => {
  let store: MemoryDemandStore;
  let sink: RecordingSink;
  let handler: WebhookHandler;
  beforeEach(() => {
    store = new MemoryDemandStore();
    sink = new RecordingSink();
    handler = createWebhookHandler({ secret: SECRET, labels: ["gpu"], store, sink, now: () => NOW });
  });

  it("refuses to be built without a secret and says how to get one", () => {
    const build = () => createWebhookHandler({ secret: "", labels: [], store, sink });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/webhook\.secret: is required: generate one/);
  });

  it("refuses a body limit that is not a positive whole number", () => {
    expect(() => createWebhookHandler({ secret: SECRET, labels: [], store, sink, maxBodyBytes: 0 })).toThrow(/webhook\.maxBodyBytes/);
  });

  it.each([
    ["an unsigned delivery", { signWith: null }, 401, "unsigned"],
    ["a delivery signed with another secret", { signWith: "other-secret" }, 401, "bad-signature"],
  ])("answers %s with %i", async (_name, options, status, outcome) => {
    const response = await handler.handle(await delivery(payload("queued", 1), options));
    expect([response.status, response.outcome]).toEqual([status, outcome]);
    expect(await store.getJob(1)).toBeUndefined();
  });

  it("refuses a body changed after signing, since the HMAC covers the raw bytes", async () => {
    const signed = await delivery(payload("queued", 1));
    const tampered = { ...signed, body: Buffer.from(JSON.stringify(payload("queued", 2))) };
    expect((await handler.handle(tampered)).outcome).toBe("bad-signature");
  });

  it("accepts a body whose bytes differ from re-serialized JSON, as long as the bytes are signed", async () => {
    const response = await handler.handle(await delivery(undefined, { raw: JSON.stringify(payload("queued", 3), null, 2) }));
    expect(response.outcome).toBe("accepted");
  });

  it("accepts GitHub's documented test vector as correctly signed", async () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const documented = createWebhookHandler({ secret: "It's a Secret to Everybody", labels: [], store, sink });
    const response = await documented.handle({
      headers: { "x-github-event": "workflow_job", "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" },
      body: Buffer.from("Hello, World!"),
    });
    expect(response.outcome).toBe("bad-request"); // signature accepted; the body is just not a payload
  });

  it("answers 413 for a body over the limit before checking anything else", async () => {
    const small = createWebhookHandler({ secret: SECRET, labels: ["gpu"], store, sink, maxBodyBytes: 100 });
    const response = await small.handle(await delivery(payload("queued", 1)));
    expect([response.status, response.outcome]).toEqual([413, "too-large"]);
  });

  it.each([
    ["a ping", "ping", payload("queued", 1), 200, "ignored"],
    ["an event it does not use", "push", { ref: "main" }, 202, "ignored"],
    ["the waiting action", "workflow_job", payload("waiting", 1), 202, "ignored"],
    ["an action GitHub may add later", "workflow_job", payload("paused", 1), 202, "ignored"],
    ["a job for labels the fleet lacks", "workflow_job", payload("queued", 1, ["ubuntu-latest"]), 202, "not-for-us"],
    ["a signed body that is not a workflow_job payload", "workflow_job", { action: "queued" }, 400, "bad-request"],
  ])("answers %s without recording demand", async (_name, event, body, status, outcome) => {
    const response = await handler.handle(await delivery(body, { event }));
    expect([response.status, response.outcome]).toEqual([status, outcome]);
    expect(await store.listJobs()).toEqual([]);
    expect(sink.events).toEqual([]);
  });

  it("records a queued job, tells the sink and answers 202", async () => {
    const response = await handler.handle(await delivery(payload("queued", 10), { guid: "guid-q" }));
    expect([response.status, response.outcome]).toEqual([202, "accepted"]);
    expect(sink.events).toEqual([{
      kind: "job-queued", jobId: 10, repository: "acme/app", labels: ["self-hosted", "linux", "gpu"],
      at: new Date("2026-12-03T09:59:00Z"), source: "webhook", deliveryId: "guid-q",
    }]);
    expect(await store.hasDelivery("guid-q")).toBe(true);
  });

  it("answers a redelivery with the same GUID as a duplicate and changes nothing", async () => {
    await handler.handle(await delivery(payload("queued", 11), { guid: "guid-same" }));
    const again = await handler.handle(await delivery(payload("queued", 11), { guid: "guid-same" }));
    expect([again.status, again.outcome]).toEqual([200, "duplicate"]);
    expect(sink.events).toHaveLength(1);
  });

  it("answers the same job and action under a new GUID as a duplicate", async () => {
    await handler.handle(await delivery(payload("in_progress", 12)));
    const again = await handler.handle(await delivery(payload("in_progress", 12)));
    expect(again.outcome).toBe("duplicate");
    expect(sink.events.map((e) => e.kind)).toEqual(["job-started"]);
  });

  it("leaves a job started when its queued event arrives after in_progress", async () => {
    await handler.handle(await delivery(payload("in_progress", 13)));
    const late = await handler.handle(await delivery(payload("queued", 13)));
    expect([late.status, late.outcome]).toEqual([200, "stale"]);
    expect(await store.getJob(13)).toMatchObject({ status: "in_progress", runnerName: "ci-0123456789ab", queuedAt: new Date("2026-12-03T09:59:00Z") });
    expect(sink.events.map((e) => e.kind)).toEqual(["job-started"]);
  });

  it("follows a job through queued, in_progress and completed", async () => {
    for (const action of ["queued", "in_progress", "completed"]) await handler.handle(await delivery(payload(action, 14)));
    expect(await store.getJob(14)).toMatchObject({
      status: "completed", runnerName: "ci-0123456789ab", queuedAt: new Date("2026-12-03T09:59:00Z"),
      startedAt: new Date("2026-12-03T09:59:30Z"), completedAt: new Date("2026-12-03T10:00:00Z"),
    });
    expect(sink.events.at(-1)).toMatchObject({ kind: "job-completed", conclusion: "success" });
  });

  it("reads a form-encoded delivery's payload field", async () => {
    const raw = new URLSearchParams({ payload: JSON.stringify(payload("queued", 15)) }).toString();
    const response = await handler.handle(await delivery(undefined, { raw, contentType: "application/x-www-form-urlencoded" }));
    expect(response.outcome).toBe("accepted");
  });

  it("finds headers whatever their case", async () => {
    const { headers, body } = await delivery(payload("queued", 16));
    const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect((await handler.handle({ headers: shouted, body })).outcome).toBe("accepted");
  });

  it("answers 503 when the store fails, leaving the GUID unrecorded so a redelivery is processed", async () => {
    store.failWith = new Error("disk full");
    const first = await handler.handle(await delivery(payload("queued", 17), { guid: "guid-retry" }));
    expect([first.status, first.outcome]).toEqual([503, "unavailable"]);
    store.failWith = undefined;
    expect((await handler.handle(await delivery(payload("queued", 17), { guid: "guid-retry" }))).outcome).toBe("accepted");
  });

  it("still accepts a delivery when the sink fails, because the store already has it", async () => {
    sink.failWith = new Error("loop is busy");
    expect((await handler.handle(await delivery(payload("queued", 18)))).outcome).toBe("accepted");
    expect((await store.getJob(18))?.status).toBe("queued");
  });

  it("never echoes the payload or the secret in any response body", async () => {
    const marker = "payload-marker-7f3a";
    const bodies = [
      payload("queued", 19, ["gpu"], { marker }), payload("queued", 19, [marker]), { action: "queued", marker },
      { action: "queued", workflow_job: { id: marker } }, payload("waiting", 19, ["gpu"], { marker }),
    ];
    for (const body of bodies) {
      for (const signWith of [SECRET, "wrong", null]) {
        const response = await handler.handle(await delivery(body, { signWith }));
        expect(JSON.stringify(response.body)).not.toMatch(new RegExp(`${marker}|${SECRET}`));
      }
    }
  });
});
