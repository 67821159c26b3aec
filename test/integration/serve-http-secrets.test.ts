import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteDemandStore, type SqliteDemandStore } from "../../src/demand/sqlite-store.js";
import { createWebhookHandler } from "../../src/demand/webhook.js";
import { type ServeHttp, startServeHttp } from "../../src/serve/http.js";
import { createServeMetrics } from "../../src/serve/metrics.js";
import { type RawAnswer, rawRequest } from "../unit/serve/raw-http.js";

const HOOK_SECRET = "hook-secret-5f1c9a";
const TOKEN = "ghp_SecretLookingToken0123456789abcdef";
const MARKER = "payload-marker-7d3e";
const SECRETS = [HOOK_SECRET, TOKEN, MARKER];

let dir: string;
let store: SqliteDemandStore;
let server: ServeHttp;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "serve-http-secrets-"));
  store = await openSqliteDemandStore({ path: join(dir, "demand.db") });
  const sink = { event: async () => {}, snapshot: async () => {} };
  const webhook = createWebhookHandler({ secret: HOOK_SECRET, labels: ["gpu"], store, sink, maxBodyBytes: 2048 });
  const metrics = createServeMetrics({ processMetrics: false });
  server = await startServeHttp({
    webhook,
    metrics: () => metrics.render(),
    healthz: () => ({ ok: true }),
    readyz: async () => ({ ok: true, checks: { github: { ok: true, detail: "reachable" } } }),
  }, { port: 0, onWebhookResult: (result) => metrics.countWebhookDelivery(result) });
});
afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const payload = (jobId: number) => JSON.stringify({
  action: "queued",
  workflow_job: { id: jobId, labels: ["self-hosted", "gpu"], runner_name: null, created_at: "2026-12-03T10:00:00Z", note: `${MARKER} ${TOKEN}` },
  repository: { full_name: "acme/app" },
});

function headers(body: string, signature: string): Record<string, string> {
  return {
    "content-type": "application/json", "x-github-event": "workflow_job", "x-github-delivery": `guid-${MARKER}-${body.length}`,
    "x-hub-signature-256": signature, authorization: `Bearer ${TOKEN}`, "user-agent": "GitHub-Hookshot/test",
  };
}

function leaks(answer: RawAnswer): string[] {
  const text = [answer.body, ...Object.entries(answer.headers).map(([key, value]) => `${key}: ${String(value)}`)].join("\n");
  return SECRETS.filter((secret) => text.includes(secret));
}

describe("startServeHttp answers", () => {
  it("never echo a secret header, the signature or the payload, whatever the status", async () => {
    const body = payload(1);
    const signed = await sign(HOOK_SECRET, body);
    const forged = `sha256=${Buffer.from(HOOK_SECRET).toString("hex").padEnd(64, "0")}`;
    const large = payload(2) + " ".repeat(4096);
    const answers = [
      await rawRequest(server.url, { method: "POST", path: "/webhook", headers: headers(body, signed), chunks: [body] }),
      await rawRequest(server.url, { method: "POST", path: "/webhook", headers: headers(body, forged), chunks: [body] }),
      await rawRequest(server.url, { method: "POST", path: "/webhook", headers: headers(large, await sign(HOOK_SECRET, large)), chunks: [large] }),
      await rawRequest(server.url, { method: "GET", path: `/webhook?secret=${HOOK_SECRET}`, headers: headers(body, signed) }),
      await rawRequest(server.url, { method: "GET", path: `/${TOKEN}`, headers: headers(body, signed) }),
      await rawRequest(server.url, { method: "GET", path: "/readyz", headers: headers(body, signed) }),
      await rawRequest(server.url, { method: "GET", path: "/metrics", headers: headers(body, signed) }),
    ];
    server.stopTaking();
    answers.push(await rawRequest(server.url, { method: "POST", path: "/webhook", headers: headers(body, signed), chunks: [body] }));
    expect(answers.map((answer) => answer.status)).toStrictEqual([202, 401, 413, 405, 404, 200, 200, 503]);
    expect(answers.map(leaks)).toStrictEqual(answers.map(() => []));
    expect(answers.map((answer) => answer.body).join("\n")).not.toMatch(/\bat .+:\d+:\d+/);
  });
});
