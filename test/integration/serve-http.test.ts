import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../../src/manager/ports.js";
import { type ServeHttp, type ServeHttpOptions, type ServeRoutes, startServeHttp } from "../../src/serve/http.js";
import { createServeMetrics } from "../../src/serve/metrics.js";
import { rawRequest } from "../unit/serve/raw-http.js";

const servers: ServeHttp[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type Handle = NonNullable<ServeRoutes["webhook"]>["handle"];
const accept: Handle = async () => ({ status: 202, body: { outcome: "accepted", detail: "job queued" }, outcome: "accepted" });

function routes(overrides: Partial<ServeRoutes> & { handle?: Handle; maxBodyBytes?: number } = {}): ServeRoutes {
  const { handle = accept, maxBodyBytes = 1024, ...rest } = overrides;
  return {
    webhook: { maxBodyBytes, handle },
    metrics: async () => ({ contentType: "text/plain; version=0.0.4", text: "up 1\n" }),
    healthz: () => ({ ok: true }),
    readyz: async () => ({ ok: true, checks: { github: { ok: true, detail: "reachable" } } }),
    ...rest,
  };
}

async function start(serveRoutes: ServeRoutes = routes(), options: ServeHttpOptions = {}): Promise<ServeHttp> {
  const server = await startServeHttp(serveRoutes, { port: 0, ...options });
  servers.push(server);
  return server;
}

function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, lines };
}

describe("startServeHttp routes", () => {
  it("listens on loopback by default", async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it("answers GET /healthz with 200 while the process is alive and 503 when it says otherwise", async () => {
    const alive = await start();
    expect(await (await fetch(`${alive.url}/healthz`)).json()).toStrictEqual({ ok: true });
    const dead = await start(routes({ healthz: () => ({ ok: false }) }));
    expect((await fetch(`${dead.url}/healthz`)).status).toBe(503);
  });

  it("answers GET /readyz with 200 and the checks when every check passes", async () => {
    const server = await start();
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await response.json()).toStrictEqual({ ok: true, checks: { github: { ok: true, detail: "reachable" } } });
  });

  it("answers GET /readyz with 503 and the checks when one fails", async () => {
    const checks = { github: { ok: true, detail: "reachable" }, openstack: { ok: false, detail: "keystone unreachable" } };
    const server = await start(routes({ readyz: async () => ({ ok: false, checks }) }));
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toStrictEqual({ ok: false, checks });
  });

  it("serves every runner-fleet metric on GET /metrics once recorded", async () => {
    const metrics = createServeMetrics({ version: "9.9.9" });
    metrics.setRunners({ idle: 1 });
    metrics.setQueuedJobs(2);
    metrics.observeJobWait(12);
    metrics.countCreation("created");
    metrics.countDeletion("kept_busy", "scale-down");
    metrics.countApiCall("github", 200);
    metrics.observeReconcile(0.4);
    metrics.countWebhookDelivery("accepted");
    const server = await start(routes({ metrics: () => metrics.render() }));
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const name of ["runner_fleet_runners", "runner_fleet_queued_jobs", "runner_fleet_job_wait_seconds", "runner_fleet_runner_creations_total",
      "runner_fleet_runner_deletions_total", "runner_fleet_api_calls_total", "runner_fleet_reconcile_duration_seconds",
      "runner_fleet_webhook_deliveries_total", "runner_fleet_info", "process_resident_memory_bytes"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('runner_fleet_info{version="9.9.9"} 1');
  });

  it("passes POST /webhook's headers and raw body to the handler and sends back its answer", async () => {
    const seen: { event: unknown; body: string }[] = [];
    const results: string[] = [];
    const server = await start(routes({
      handle: async ({ headers, body }) => {
        seen.push({ event: headers["x-github-event"], body: body.toString("utf8") });
        return { status: 202, body: { outcome: "accepted", detail: "job queued" }, outcome: "accepted" };
      },
    }), { onWebhookResult: (result) => results.push(result) });
    const response = await fetch(`${server.url}/webhook`, { method: "POST", headers: { "X-GitHub-Event": "workflow_job" }, body: '{"action":"queued"}' });
    expect(response.status).toBe(202);
    expect(await response.json()).toStrictEqual({ outcome: "accepted", detail: "job queued" });
    expect(seen).toStrictEqual([{ event: "workflow_job", body: '{"action":"queued"}' }]);
    expect(results).toStrictEqual(["accepted"]);
  });

  it.each([
    { name: "GET /webhook", method: "GET", path: "/webhook", allow: "POST" },
    { name: "PUT /webhook", method: "PUT", path: "/webhook", allow: "POST" },
    { name: "POST /healthz", method: "POST", path: "/healthz", allow: "GET, HEAD" },
    { name: "DELETE /metrics", method: "DELETE", path: "/metrics", allow: "GET, HEAD" },
  ])("answers $name with 405 and an Allow header", async ({ method, path, allow }) => {
    const server = await start();
    const response = await fetch(`${server.url}${path}`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(await response.json()).toStrictEqual({ error: "method not allowed" });
  });

  it("answers an unknown path with 404 JSON that does not echo the path", async () => {
    const server = await start();
    const response = await fetch(`${server.url}/admin/secret-path?token=abc`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('{"error":"not found"}');
  });

  it("answers POST /webhook with 404 when no webhook route is configured (a scale-set source)", async () => {
    const { webhook: _none, ...scaleSet } = routes();
    const server = await start(scaleSet);
    const response = await fetch(`${server.url}/webhook`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
  });

  it("answers 413 on a declared Content-Length above the limit before any of the body is sent", async () => {
    let called = false;
    const server = await start(routes({ maxBodyBytes: 100, handle: async () => ((called = true), { status: 200, body: {} }) }));
    // Headers only, never a body and never ended: the answer can only come from the declared length.
    const answer = await rawRequest(server.url, { method: "POST", path: "/webhook", headers: { "content-length": "101" }, end: false });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toStrictEqual({ outcome: "too-large", detail: "the body exceeds 100 bytes" });
    expect(called).toBe(false);
  });

  it("answers 413 as soon as a streamed body passes the limit, while the client is still sending", async () => {
    const results: string[] = [];
    const server = await start(routes({ maxBodyBytes: 100 }), { onWebhookResult: (result) => results.push(result) });
    // Chunked, no length announced, 101 bytes written and the request left open.
    const answer = await rawRequest(server.url, { method: "POST", path: "/webhook", chunks: [Buffer.alloc(101, "a")], end: false });
    expect(answer.status).toBe(413);
    expect(results).toStrictEqual(["too-large"]);
  });

  it("takes a body exactly at the limit", async () => {
    const server = await start(routes({ maxBodyBytes: 100 }));
    const response = await fetch(`${server.url}/webhook`, { method: "POST", body: "a".repeat(100) });
    expect(response.status).toBe(202);
  });

  it("answers /webhook with 503 and Retry-After after stopTaking, while /healthz stays 200 and /readyz turns 503", async () => {
    const results: string[] = [];
    const server = await start(routes(), { retryAfterSeconds: 7, onWebhookResult: (result) => results.push(result) });
    server.stopTaking();
    const webhook = await fetch(`${server.url}/webhook`, { method: "POST", body: "{}" });
    expect(webhook.status).toBe(503);
    expect(webhook.headers.get("retry-after")).toBe("7");
    expect(await webhook.json()).toStrictEqual({ outcome: "unavailable", detail: "runner-fleet is shutting down; redeliver later" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toStrictEqual({ ok: false, checks: { serve: { ok: false, detail: "shutting down: not taking demand" } } });
    expect(results).toStrictEqual(["unavailable"]);
  });

  it.each([
    { name: "the webhook handler", path: "/webhook", method: "POST", broken: (e: Error) => routes({ handle: async () => { throw e; } }) },
    { name: "the readiness checks", path: "/readyz", method: "GET", broken: (e: Error) => routes({ readyz: async () => { throw e; } }) },
    { name: "the metrics exporter", path: "/metrics", method: "GET", broken: (e: Error) => routes({ metrics: async () => { throw e; } }) },
    { name: "the liveness check", path: "/healthz", method: "GET", broken: (e: Error) => routes({ healthz: () => { throw e; } }) },
  ])("answers 500 with a generic body when $name throws, and logs the error", async ({ path, method, broken }) => {
    const { logger, lines } = recordingLogger();
    const server = await start(broken(new Error("db password=hunter2 at /var/lib/x")), { logger });
    const response = await fetch(`${server.url}${path}`, { method, ...(method === "POST" ? { body: "{}" } : {}) });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"error":"internal error"}');
    expect(lines.filter((line) => line.level === "error").map((line) => line.fields?.error)).toStrictEqual(["db password=hunter2 at /var/lib/x"]);
  });
});
