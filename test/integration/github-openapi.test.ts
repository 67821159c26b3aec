import { createPrivateKey, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultInjector } from "../../src/sandbox/faults.js";
import { createGitHubSide, type GitHubSide } from "../../src/sandbox/github-side.js";
import { startHttpService, type HttpService } from "../../src/sandbox/http.js";
import { RequestLog } from "../../src/sandbox/request-log.js";
import { documentedOperations, isSandboxControlRoute, validateGitHubResponse, validateWebhookPayload } from "../support/github-openapi/validate.js";
import { startReceiver, type WebhookReceiver } from "../unit/sandbox/webhook-receiver.js";

// The GitHub side alone behind the shared HTTP plumbing, answering plain fetch over loopback.
let t = Date.now();
let side: GitHubSide;
let service: HttpService;
let receiver: WebhookReceiver;
const log = new RequestLog();
const faults = new FaultInjector();

async function gh(method: string, path: string, opts: { auth?: string | null; body?: unknown } = {}): Promise<Response> {
  const auth = opts.auth === undefined ? `token ${side.token}` : opts.auth;
  const headers: Record<string, string> = { accept: "application/vnd.github+json", ...(auth === null ? {} : { authorization: auth }) };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return fetch(`${service.url}${path}`, { method, headers, body });
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

function appJwt(): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(t / 1000);
  const data = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 30, exp: now + 540, iss: side.app.appId })}`;
  return `${data}.${sign("RSA-SHA256", Buffer.from(data), createPrivateKey(side.app.privateKey)).toString("base64url")}`;
}

beforeAll(async () => {
  side = createGitHubSide({ now: () => t, hooks: { runnerExited: () => {}, writeConsole: () => {} }, onlineDelayMs: 0, busyLagMs: 30_000, jitPerMinute: 12 });
  service = await startHttpService({ routes: side.routes, serviceOf: () => "github", log, faults, onFault: side.onFault, recordBodies: true });
  receiver = await startReceiver();
});

afterAll(async () => {
  side.close();
  await service.close();
  await receiver.close();
});

describe("GitHub side over HTTP", () => {
  it("serves every documented operation, including its errors", async () => {
    expect((await gh("GET", "/", { auth: null })).status).toBe(200);

    const jit: Record<string, { runner: { id: number }; encoded_jit_config: string }> = {};
    for (const scope of ["/repos/acme/app", "/orgs/acme", "/enterprises/big"]) {
      const runners = `${scope}/actions/runners`;
      for (const n of [1, 2, 3]) {
        const res = await gh("POST", `${runners}/generate-jitconfig`, { body: { name: `r${n}`, runner_group_id: 1, labels: ["self-hosted", "linux", "x64", "fleet"] } });
        expect(res.status).toBe(201);
        jit[`${scope}/r${n}`] = await json(res);
      }
      expect((await gh("POST", `${runners}/generate-jitconfig`, { body: { name: "r1", runner_group_id: 1, labels: ["x"] } })).status).toBe(409);
      expect((await gh("POST", `${runners}/generate-jitconfig`, { body: { name: "rx", labels: ["x"] } })).status).toBe(422);
      expect((await gh("POST", `${runners}/generate-jitconfig`, { body: { name: "rx", runner_group_id: 42, labels: ["x"] } })).status).toBe(404);
      expect((await gh("POST", `${runners}/registration-token`)).status).toBe(201);
      expect((await gh("POST", `${runners}/remove-token`)).status).toBe(201);

      const page1 = await gh("GET", `${runners}?per_page=2`);
      const next = /<([^>]+)>; rel="next"/.exec(page1.headers.get("link") ?? "")?.[1];
      expect(next).toBeDefined();
      const page2 = await json<{ total_count: number; runners: unknown[] }>(await fetch(String(next), { headers: { authorization: `token ${side.token}` } }));
      expect(page2).toMatchObject({ total_count: 3, runners: [{ name: "r3" }] });
      expect(await json(await gh("GET", `${runners}?name=r2`))).toMatchObject({ total_count: 1 });
      expect((await gh("GET", `${runners}/${jit[`${scope}/r1`]?.runner.id}`)).status).toBe(200);
      expect((await gh("GET", `${runners}/999999`)).status).toBe(404);
      expect((await gh("DELETE", `${runners}/999999`)).status).toBe(404);
      expect((await gh("DELETE", `${runners}/${jit[`${scope}/r3`]?.runner.id}`)).status).toBe(204);
    }
    expect((await gh("GET", "/orgs/acme/actions/runner-groups")).status).toBe(200);
    expect((await gh("GET", "/enterprises/big/actions/runner-groups")).status).toBe(200);

    // A job on the repo runner: busy delete is refused (422), the job is readable while and after it runs.
    const repoRunner = jit["/repos/acme/app/r1"];
    expect(side.hooks.runnerStarted("vm-1", repoRunner?.encoded_jit_config ?? "")).toBe(true);
    const job = side.enqueueJob({ repository: "acme/app", labels: ["self-hosted", "fleet"], durationMs: 5000 });
    side.tick();
    expect((await gh("DELETE", `/repos/acme/app/actions/runners/${repoRunner?.runner.id}`)).status).toBe(422);
    expect(await json(await gh("GET", `/repos/acme/app/actions/runs/${job.runId}/jobs`))).toMatchObject({ total_count: 1, jobs: [{ status: "in_progress" }] });
    t += 5000;
    side.tick();
    expect(await json(await gh("GET", `/repos/acme/app/actions/jobs/${job.id}`))).toMatchObject({ status: "completed", conclusion: "success", runner_name: "r1" });
    expect(await json(await gh("GET", `/repos/acme/app/actions/jobs/${side.enqueueJob({ repository: "acme/app" }).id}`))).toMatchObject({ status: "queued", runner_id: null });
    expect((await gh("GET", "/repos/acme/app/actions/jobs/1")).status).toBe(404);
    expect((await gh("GET", "/repos/acme/app/actions/runs/1/jobs")).status).toBe(404);

    // Webhooks at both scopes: hooks, pings, deliveries in cursor pages, one delivery, a redelivery, and their errors.
    for (const scope of ["/repos/acme/app", "/orgs/acme"]) {
      const hooks = `${scope}/hooks`;
      const config = { url: receiver.url, content_type: "json", secret: "s", insecure_ssl: "0" };
      const created = await gh("POST", hooks, { body: { name: "web", active: true, events: ["workflow_job"], config } });
      expect(created.status).toBe(201);
      const id = (await json<{ id: number }>(created)).id;
      expect((await gh("POST", hooks, { body: { name: "web", config: { url: "not a url" } } })).status).toBe(422);
      expect((await gh("GET", hooks)).status).toBe(200);
      expect((await gh("GET", `${hooks}/${id}`)).status).toBe(200);
      expect((await gh("GET", `${hooks}/999`)).status).toBe(404);
      expect((await gh("PATCH", `${hooks}/${id}`, { body: { add_events: ["push"], config } })).status).toBe(200);
      expect((await gh("PATCH", `${hooks}/${id}`, { body: { active: "yes" } })).status).toBe(422);
      expect((await gh("POST", `${hooks}/${id}/pings`)).status).toBe(204);
      side.enqueueJob({ repository: "acme/app" });
      await side.webhooksIdle();
      const page = await gh("GET", `${hooks}/${id}/deliveries?per_page=1`);
      expect(page.headers.get("link")).toMatch(/rel="next"/);
      const [first] = await json<{ id: number }[]>(page);
      expect((await gh("GET", `${hooks}/${id}/deliveries?cursor=bad`)).status).toBe(400);
      expect((await gh("GET", `${hooks}/${id}/deliveries/${first?.id}`)).status).toBe(200);
      expect((await gh("GET", `${hooks}/${id}/deliveries/1`)).status).toBe(404);
      expect((await gh("POST", `${hooks}/${id}/deliveries/${first?.id}/attempts`)).status).toBe(202);
      expect((await gh("POST", `${hooks}/${id}/deliveries/1/attempts`)).status).toBe(404);
      await side.webhooksIdle();
      expect((await gh("DELETE", `${hooks}/${id}`)).status).toBe(204);
    }

    // Credentials: app JWT exchange, bad credentials, read-only tokens.
    const token = await gh("POST", `/app/installations/${side.app.installationId}/access_tokens`, { auth: `Bearer ${appJwt()}` });
    expect(token.status).toBe(201);
    expect((await gh("GET", "/orgs/acme/actions/runners", { auth: `token ${(await json<{ token: string }>(token)).token}` })).status).toBe(200);
    expect((await gh("POST", `/app/installations/${side.app.installationId}/access_tokens`, { auth: "Bearer not.a.jwt" })).status).toBe(401);
    expect((await gh("POST", `/app/installations/1/access_tokens`, { auth: `Bearer ${appJwt()}` })).status).toBe(404);
    expect((await gh("GET", "/orgs/acme/actions/runners", { auth: "token ghp_nope" })).status).toBe(401);
    side.addToken("ghp_reader", { permissions: "read" });
    expect((await gh("GET", "/orgs/acme/actions/runners", { auth: "token ghp_reader" })).status).toBe(403);
    expect((await gh("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: { name: "rr", runner_group_id: 1, labels: ["x"] }, auth: "token ghp_reader" })).status).toBe(403);

    // What an ordinary client asks first: repository, organization, user, rate limit, and the app's installations.
    for (const path of ["/repos/acme/app", "/orgs/acme", "/user", "/rate_limit"]) expect((await gh("GET", path)).status).toBe(200);
    for (const path of ["/app", "/app/installations", `/app/installations/${side.app.installationId}`, "/repos/acme/app/installation", "/orgs/acme/installation"]) {
      expect((await gh("GET", path, { auth: `Bearer ${appJwt()}` })).status).toBe(200);
    }
    expect((await gh("GET", "/app")).status).toBe(401);

    // Rate limits: JIT beyond jitPerMinute, and injected primary/secondary/5xx faults.
    let status = 201;
    for (let n = 0; status === 201 && n < 20; n++) {
      status = (await gh("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: { name: `burst${n}`, runner_group_id: 2, labels: ["x"] } })).status;
    }
    expect(status).toBe(403);
    faults.add({ service: "github", kind: "rate-limit-primary", retryAfterSeconds: 3 });
    faults.add({ service: "github", kind: "rate-limit-secondary", status: 429 });
    faults.add({ service: "github", kind: "status", status: 502 });
    expect((await gh("GET", "/orgs/acme/actions/runners")).headers.get("x-ratelimit-remaining")).toBe("0");
    expect((await gh("GET", "/orgs/acme/actions/runners")).headers.get("retry-after")).toBe("1");
    expect((await gh("GET", "/orgs/acme/actions/runners")).status).toBe(502);

    const seen = new Set(log.entries("github").map((e) => `${e.method} ${e.route}`));
    expect(documentedOperations().filter((op) => !seen.has(op))).toEqual([]);
    const statuses = new Set(log.entries("github").map((e) => e.status));
    expect([...statuses].sort()).toEqual([200, 201, 202, 204, 400, 401, 403, 404, 409, 422, 429, 502]);
  });

  it("sends webhook payloads matching GitHub's webhook schemas", () => {
    const kinds = receiver.received.map((r) => `${r.event} ${r.action ?? ""}`.trim());
    expect(new Set(kinds)).toEqual(new Set(["ping", "workflow_job queued"]));
    for (const r of receiver.received) validateWebhookPayload(r.event, r.action, r.payload);
    const drifted = { ...receiver.received.find((r) => r.event === "workflow_job")?.payload, sender: undefined, action: "in_progress" };
    expect(() => validateWebhookPayload("workflow_job", "queued", drifted)).toThrow(/\/action must be equal to one of the allowed values/);
    expect(() => validateWebhookPayload("workflow_job", "queued", drifted)).toThrow(/must have required property 'sender'/);
  });

  it("sends a body matching GitHub's OpenAPI description with every recorded response", () => {
    const entries = log.entries("github");
    expect(entries.length).toBeGreaterThan(60);
    const failures = entries.flatMap((e) => {
      try {
        validateGitHubResponse(e);
        return [];
      } catch (err) {
        return [(err as Error).message];
      }
    });
    expect(failures).toEqual([]);
  });

  it("rejects a response that drifts from the schema with a precise error", () => {
    const entry = {
      service: "github" as const,
      method: "GET",
      path: "/orgs/acme/actions/runners",
      route: "/orgs/{org}/actions/runners",
      status: 200,
      responseBody: { total_count: 1, runners: [{ id: "7", name: "r", status: "online", busy: false, labels: [{ name: "x", type: "magic" }] }] },
    };
    expect(() => validateGitHubResponse(entry)).toThrow(/\/runners\/0 must have required property 'os'/);
    expect(() => validateGitHubResponse(entry)).toThrow(/\/runners\/0\/id must be integer/);
    expect(() => validateGitHubResponse(entry)).toThrow(/\/runners\/0\/labels\/0\/type must be equal to one of the allowed values/);
    expect(() => validateGitHubResponse({ ...entry, status: 201 })).toThrow(/status not documented/);
    const delivery = { ...entry, path: "/repos/acme/app/hooks/1/deliveries", route: "/repos/{owner}/{repo}/hooks/{hook_id}/deliveries", responseBody: [{ id: 1, status: "OK" }] };
    expect(() => validateGitHubResponse(delivery)).toThrow(/\/0 must have required property 'guid'/);
  });

  it("leaves the sandbox's own /_sandbox/ routes out of the check, and only those", async () => {
    expect((await gh("POST", "/_sandbox/jobs", { body: { repository: "acme/app" } })).status).toBe(201);
    const control = log.entries("github").filter(isSandboxControlRoute);
    expect(control.map((e) => `${e.method} ${e.route} ${e.status}`)).toEqual(["POST /_sandbox/jobs 201"]);
    expect(() => control.forEach(validateGitHubResponse)).not.toThrow();
    const lookalike = { service: "github" as const, method: "POST", path: "/repos/acme/app/_sandbox/jobs", route: "/repos/acme/app/_sandbox/jobs", status: 201 };
    expect(() => validateGitHubResponse(lookalike)).toThrow(/route not in the OpenAPI subset/);
  });
});
