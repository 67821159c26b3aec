import { afterEach, describe, expect, it } from "vitest";
import { CloudAuthError, CloudError, QuotaError } from "../../../src/manager/errors.js";
import { backoff, request, type HttpMethod, type HttpRequest } from "../../../src/openstack/http.js";
import { startServer, type Handler, type TestServer } from "./_server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { retry: { attempts: 3, baseDelayMs: 1 } };

async function serve(handler: Handler): Promise<TestServer> {
  server = await startServer(handler);
  return server;
}

function call(s: TestServer, overrides: Partial<HttpRequest> = {}) {
  return request({ service: "Nova", method: "GET", baseUrl: `${s.url}/compute/v2.1`, path: "/servers", ...overrides }, fast);
}

async function failure(promise: Promise<unknown>): Promise<CloudError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof CloudError)) throw new Error(`expected a CloudError, got ${String(error)}`);
  return error;
}

describe("request", () => {
  it("returns the parsed JSON body and the request id when the call succeeds", async () => {
    const s = await serve(() => ({ body: { servers: [] }, headers: { "x-openstack-request-id": "req-1" } }));
    const response = await call(s, { query: { name: "^a-", limit: 10, skip: undefined } });
    expect(response).toMatchObject({ status: 200, body: { servers: [] }, requestId: "req-1" });
    expect(s.requests[0]?.query.toString()).toBe("name=%5Ea-&limit=10");
  });

  it("sends a JSON body with its content type", async () => {
    const s = await serve(() => ({ status: 202, body: { server: { id: "x" } } }));
    await call(s, { method: "POST", body: { server: { name: "n" } } });
    expect(s.requests[0]).toMatchObject({ body: { server: { name: "n" } }, headers: { "content-type": "application/json" } });
  });

  it.each<[string, HttpMethod, boolean | undefined, number]>([
    ["retries a GET", "GET", undefined, 2],
    ["retries a DELETE", "DELETE", undefined, 2],
    ["does not retry a POST", "POST", undefined, 1],
    ["retries a POST declared idempotent", "POST", true, 2],
  ])("%s on a 503", async (_name, method, idempotent, calls) => {
    let n = 0;
    const s = await serve(() => (++n === 1 ? { status: 503, body: "503 Service Unavailable" } : { status: 200, body: {} }));
    const outcome = await call(s, { method, idempotent }).then(() => "ok", (e: unknown) => e);
    expect(s.requests).toHaveLength(calls);
    expect(outcome === "ok").toBe(calls === 2);
  });

  it("gives up after the configured attempts and reports the last status", async () => {
    const s = await serve(() => ({ status: 500, body: { computeFault: { code: 500, message: "boom" } } }));
    const error = await failure(call(s));
    expect(s.requests).toHaveLength(3);
    expect(error.status).toBe(500);
    expect(error.message).toBe("Nova GET /servers failed (500): boom");
  });

  it("does not retry a client error", async () => {
    const s = await serve(() => ({ status: 400, body: { badRequest: { code: 400, message: "bad" } } }));
    await failure(call(s));
    expect(s.requests).toHaveLength(1);
  });

  it("retries a dropped connection and reports status 0 when it persists", async () => {
    const s = await serve(() => ({ destroy: true }));
    const error = await failure(call(s));
    expect(s.requests).toHaveLength(3);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/^Nova GET \/servers failed: cannot reach http:\/\/127\.0\.0\.1:\d+ /);
  });

  it("times out a call that never answers", async () => {
    const s = await serve(() => ({ hang: true }));
    const started = Date.now();
    const error = await failure(request({ service: "Nova", method: "GET", baseUrl: s.url, path: "/slow", timeoutMs: 50 }, { retry: { attempts: 1 } }));
    expect(error.status).toBe(0);
    expect(error.message).toContain("Nova GET /slow timed out after 50 ms");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ["a 401 as CloudAuthError", 401, { unauthorized: { code: 401, message: "Authentication required" } }, CloudAuthError],
    ["a 403 quota fault as QuotaError", 403, { forbidden: { code: 403, message: "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances" } }, QuotaError],
    ["a 413 quota fault as QuotaError", 413, { overLimit: { code: 413, message: "Quota exceeded for cores" } }, QuotaError],
    ["a 403 port limit as QuotaError", 403, { forbidden: { code: 403, message: "Maximum number of ports exceeded" } }, QuotaError],
    ["a 403 policy refusal of os-quota-sets as a plain CloudError", 403, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed." } }, CloudError],
    ["a Neutron OverQuota as QuotaError", 409, { NeutronError: { type: "OverQuota", message: "Quota exceeded for resources: ['port'].", detail: "" } }, QuotaError],
    ["a 403 policy refusal as a plain CloudError", 403, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-hypervisors:list-detail" } }, CloudError],
    ["a 409 Neutron conflict as a plain CloudError", 409, { NeutronError: { type: "SecurityGroupInUse", message: "in use", detail: "" } }, CloudError],
  ])("translates %s", async (_name, status, body, type) => {
    const s = await serve(() => ({ status, body }));
    const error = await failure(call(s, { method: "POST" }));
    expect(error.constructor).toBe(type);
    expect(error.status).toBe(status);
  });

  it("writes an actionable message with the request id", async () => {
    const s = await serve(() => ({
      status: 403,
      headers: { "x-compute-request-id": "req-abc" },
      body: { forbidden: { code: 403, message: "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances" } },
    }));
    const error = await failure(call(s, { method: "POST" }));
    expect(error.message).toBe(
      "Nova POST /servers failed (403): Quota exceeded for instances: Requested 1, but already used 10 of 10 instances [request req-abc]; free some capacity or raise the project's quota",
    );
    expect(error.requestId).toBe("req-abc");
  });

  it("never repeats the token or declared secrets in a message", async () => {
    const s = await serve((req) => ({ status: 400, body: { badRequest: { code: 400, message: `Invalid user_data ${JSON.stringify(req.body)} with token ${String(req.headers["x-auth-token"])}` } } }));
    const error = await failure(call(s, { method: "POST", body: { user_data: "U0VDUkVUX0pJVA==" }, headers: { "X-Auth-Token": "tok-secret-1" }, redact: ["U0VDUkVUX0pJVA=="] }));
    expect(error.message).not.toContain("tok-secret-1");
    expect(error.message).not.toContain("U0VDUkVUX0pJVA==");
    expect(error.message).toContain("[redacted]");
  });
});

describe("backoff", () => {
  it.each([
    ["the first retry with no jitter", 1, 0, 50],
    ["the first retry with full jitter", 1, 1, 100],
    ["the third retry", 3, 0, 200],
    ["a retry past the cap", 20, 1, 10_000],
  ])("waits between half and all of the step for %s", (_name, attempt, random, expected) => {
    expect(backoff(attempt, 100, () => random)).toBe(expected);
  });
});
