import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterEach, describe, expect, it } from "vitest";
import type { DemandEvent } from "../../src/demand/events.js";
import { openSqliteDemandStore, type SqliteDemandStore } from "../../src/demand/sqlite-store.js";
import { createWebhookHandler } from "../../src/demand/webhook.js";

const SECRET = "integration-secret";
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A minimal stand-in for src/serve: node:http reading the raw body into the handler. */
async function startReceiver(path: string) {
  const store: SqliteDemandStore = await openSqliteDemandStore({ path });
  const events: DemandEvent[] = [];
  const sink = { event: async (e: DemandEvent) => void events.push(e), snapshot: async () => {} };
  const handler = createWebhookHandler({ secret: SECRET, labels: ["gpu"], store, sink });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await handler.handle({ headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  };
  cleanups.push(stop);
  return { url, store, events, stop };
}

/** Sends one signed `workflow_job` delivery the way GitHub does and returns status and body. */
async function deliver(url: string, guid: string, action: string, jobId: number) {
  const body = JSON.stringify({
    action,
    workflow_job: { id: jobId, labels: ["self-hosted", "gpu"], runner_name: action === "queued" ? null : "ci-1", created_at: "2026-12-03T10:00:00Z" },
    repository: { full_name: "acme/app" },
  });
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json", "x-github-event": "workflow_job", "x-github-delivery": guid,
      "x-hub-signature-256": await sign(SECRET, body), "user-agent": "GitHub-Hookshot/test",
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { outcome: string } };
}

describe("the webhook receiver over HTTP with a SQLite store", () => {
  it("records deliveries durably, so a restarted receiver treats a redelivery as a duplicate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "demand-webhook-"));
    dirs.push(dir);
    const path = join(dir, "demand.db");
    const first = await startReceiver(path);
    expect(await deliver(first.url, "g-1", "in_progress", 77)).toEqual({ status: 202, body: { outcome: "accepted", detail: "job created" } });
    expect((await deliver(first.url, "g-2", "queued", 77)).body.outcome).toBe("stale");
    await first.stop();

    const second = await startReceiver(path);
    expect((await deliver(second.url, "g-1", "in_progress", 77)).body.outcome).toBe("duplicate");
    expect((await deliver(second.url, "g-3", "completed", 77)).status).toBe(202);
    expect(await second.store.getJob(77)).toMatchObject({ status: "completed", runnerName: "ci-1" });
    expect(second.events.map((e) => e.kind)).toEqual(["job-completed"]);
  });
});
