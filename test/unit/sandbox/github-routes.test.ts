import { createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { createGitHubSide, type GitHubSide, type GitHubSideOptions } from "../../../src/sandbox/github-side.js";
import { compileRoute, matchRoute, type SandboxResponse } from "../../../src/sandbox/http.js";

interface CallOptions {
  auth?: string | null;
  body?: unknown;
}

/** Calls a GitHub-side route in process, as startHttpService would. */
async function call(method: string, path: string, opts: CallOptions = {}): Promise<SandboxResponse> {
  const [pathname = "", search = ""] = path.split("?");
  const matched = matchRoute(side.routes.map(compileRoute), method, pathname);
  if (matched === undefined) throw new Error(`no route for ${method} ${path}`);
  const auth = opts.auth === undefined ? `token ${side.token}` : opts.auth;
  const headers = { host: "127.0.0.1:1", ...(auth === null ? {} : { authorization: auth }) };
  const req = { method, path: pathname, params: matched.params, query: new URLSearchParams(search), headers, body: opts.body, rawBody: "" };
  return matched.route.handle(req);
}

const jitBody = (name: string) => ({ name, runner_group_id: 1, labels: ["self-hosted", "linux"] });

/** An RS256 JWT as @octokit/auth-app makes it. */
function appJwt(privateKey: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${enc({ alg: "RS256", typ: "JWT" })}.${enc(claims)}`;
  return `${data}.${sign("RSA-SHA256", Buffer.from(data), createPrivateKey(privateKey)).toString("base64url")}`;
}

let t: number;
let side: GitHubSide;
const make = (opts: Partial<GitHubSideOptions> = {}) =>
  createGitHubSide({ now: () => t, hooks: { runnerExited: () => {}, writeConsole: () => {} }, ...opts });

beforeEach(() => {
  t = 1_700_000_000_000;
  side = make();
});

describe("generate-jitconfig", () => {
  it("creates an offline ephemeral runner and answers 201 with an opaque config", async () => {
    const res = await call("POST", "/repos/acme/app/actions/runners/generate-jitconfig", { body: jitBody("r1") });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ runner: { name: "r1", status: "offline", busy: false, ephemeral: true, runner_group_id: 1 } });
    expect((res.body as { encoded_jit_config: string }).encoded_jit_config).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it.each([
    ["runner_group_id is missing", { name: "r", labels: ["x"] }, 422],
    ["labels is empty", { name: "r", runner_group_id: 1, labels: [] }, 422],
    ["the group does not exist", { name: "r", runner_group_id: 99, labels: ["x"] }, 404],
    ["a repo names the org-only ci-group", { name: "r", runner_group_id: 2, labels: ["x"] }, 404],
  ])("answers %s with the right status", async (_, body, status) => {
    const res = await call("POST", "/repos/acme/app/actions/runners/generate-jitconfig", { body });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com/) });
  });

  it("answers 409 when the name already exists in the scope", async () => {
    await call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: jitBody("r1") });
    expect((await call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: jitBody("r1") })).status).toBe(409);
    expect((await call("POST", "/orgs/other/actions/runners/generate-jitconfig", { body: jitBody("r1") })).status).toBe(201);
  });

  it("answers a secondary rate limit with retry-after beyond jitPerMinute, and recovers after a minute", async () => {
    side = make({ jitPerMinute: 3 });
    for (const n of [1, 2, 3]) expect((await call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: jitBody(`r${n}`) })).status).toBe(201);
    t += 20_000;
    const limited = await call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: jitBody("r4") });
    expect(limited.status).toBe(403);
    expect(limited.body).toMatchObject({ message: expect.stringMatching(/^You have exceeded a secondary rate limit/) });
    expect(limited.headers?.["retry-after"]).toBe("40");
    t += 40_000;
    expect((await call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: jitBody("r4") })).status).toBe(201);
  });
});

describe("listing", () => {
  it("paginates with a Link header and filters by name", async () => {
    for (let i = 0; i < 35; i++) await call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { body: jitBody(`r${i}`) });
    const first = await call("GET", "/orgs/acme/actions/runners?per_page=10");
    expect(first.body).toMatchObject({ total_count: 35 });
    expect((first.body as { runners: unknown[] }).runners).toHaveLength(10);
    expect(first.headers?.link).toBe(
      '<http://127.0.0.1:1/orgs/acme/actions/runners?per_page=10&page=2>; rel="next", ' +
        '<http://127.0.0.1:1/orgs/acme/actions/runners?per_page=10&page=4>; rel="last"',
    );
    const last = await call("GET", "/orgs/acme/actions/runners?per_page=10&page=4");
    expect((last.body as { runners: unknown[] }).runners).toHaveLength(5);
    expect(last.headers?.link).toContain('rel="first"');
    const named = await call("GET", "/orgs/acme/actions/runners?name=r7");
    expect(named.body).toMatchObject({ total_count: 1, runners: [{ name: "r7" }] });
  });

  it("lists the org's runner groups", async () => {
    const res = await call("GET", "/orgs/acme/actions/runner-groups");
    expect(res.body).toMatchObject({ total_count: 2, runner_groups: [{ id: 1, name: "default", default: true }, { id: 2, name: "ci-group" }] });
  });
});

describe("authentication", () => {
  it("answers 401 Bad credentials for a revoked token", async () => {
    side.addToken("ghp_temporary");
    expect((await call("GET", "/orgs/acme/actions/runners", { auth: "Bearer ghp_temporary" })).status).toBe(200);
    side.revokeToken("ghp_temporary");
    const res = await call("GET", "/orgs/acme/actions/runners", { auth: "Bearer ghp_temporary" });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: "Bad credentials" });
  });

  it("answers 401 Requires authentication without a token", async () => {
    expect((await call("GET", "/orgs/acme/actions/runners", { auth: null })).body).toMatchObject({ message: "Requires authentication" });
  });

  it("answers 403 to a read-only token on runner endpoints but serves it jobs", async () => {
    side.addToken("ghp_reader", { permissions: "read" });
    for (const [method, path] of [
      ["GET", "/orgs/acme/actions/runners"],
      ["POST", "/orgs/acme/actions/runners/generate-jitconfig"],
    ] as const) {
      const res = await call(method, path, { auth: "token ghp_reader", body: jitBody("r") });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ message: "Resource not accessible by integration" });
    }
    const job = side.enqueueJob({ repository: "acme/app" });
    expect((await call("GET", `/repos/acme/app/actions/jobs/${job.id}`, { auth: "token ghp_reader" })).status).toBe(200);
  });
});

describe("primary rate limit", () => {
  it("sends x-ratelimit headers and answers 403 with remaining 0 once the hour's budget is spent", async () => {
    side = make({ primaryLimit: 2 });
    const ok = await call("GET", "/orgs/acme/actions/runners");
    expect(ok.headers).toMatchObject({ "x-ratelimit-limit": "2", "x-ratelimit-remaining": "1", "x-ratelimit-used": "1" });
    await call("GET", "/orgs/acme/actions/runners");
    const limited = await call("GET", "/orgs/acme/actions/runners");
    expect(limited.status).toBe(403);
    expect(limited.headers).toMatchObject({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.ceil(t / 1000) + 3600) });
    expect(limited.body).toMatchObject({ message: expect.stringMatching(/^API rate limit exceeded for /) });
    t += 3_600_000;
    expect((await call("GET", "/orgs/acme/actions/runners")).status).toBe(200);
  });
});

describe("GitHub App", () => {
  const claims = () => ({ iat: Math.floor(t / 1000) - 30, exp: Math.floor(t / 1000) + 540, iss: side.app.appId });

  it("exchanges a JWT signed with the app key for an installation token that works", async () => {
    const jwt = appJwt(side.app.privateKey, claims());
    const res = await call("POST", `/app/installations/${side.app.installationId}/access_tokens`, { auth: `Bearer ${jwt}` });
    expect(res.status).toBe(201);
    const { token, expires_at } = res.body as { token: string; expires_at: string };
    expect(token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(Date.parse(expires_at)).toBe(Math.floor(t / 1000) * 1000 + 3_600_000);
    expect((await call("GET", "/orgs/acme/actions/runners", { auth: `token ${token}` })).status).toBe(200);
    t += 3_600_000;
    expect((await call("GET", "/orgs/acme/actions/runners", { auth: `token ${token}` })).status).toBe(401);
  });

  it.each([
    ["signed by another key", () => appJwt(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString(), claims())],
    ["for another app", () => appJwt(side.app.privateKey, { ...claims(), iss: 1 })],
    ["expired", () => appJwt(side.app.privateKey, { ...claims(), exp: Math.floor(t / 1000) - 1 })],
    ["not a JWT", () => side.token],
  ])("answers 401 to a JWT %s", async (_, jwt) => {
    const res = await call("POST", `/app/installations/${side.app.installationId}/access_tokens`, { auth: `Bearer ${jwt()}` });
    expect(res.status).toBe(401);
  });

  it("answers 404 for another installation", async () => {
    const res = await call("POST", "/app/installations/1/access_tokens", { auth: `Bearer ${appJwt(side.app.privateKey, claims())}` });
    expect(res.status).toBe(404);
  });
});

describe("onFault", () => {
  const req = { method: "GET", path: "/", params: {}, query: new URLSearchParams(), headers: {}, body: undefined, rawBody: "" };

  it("formats a status fault as basic-error", () => {
    expect(side.onFault({ service: "github", kind: "status", status: 502 }, req)).toMatchObject({
      status: 502,
      body: { message: "Bad Gateway", status: "502", documentation_url: expect.any(String) },
    });
  });

  it("formats a primary rate-limit fault the way Octokit's throttling recognises it", () => {
    const res = side.onFault({ service: "github", kind: "rate-limit-primary", retryAfterSeconds: 5 }, req);
    expect(res).toMatchObject({ status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.ceil(t / 1000) + 5) } });
  });

  it("formats a secondary rate-limit fault with retry-after, as 429 when asked", () => {
    const res = side.onFault({ service: "github", kind: "rate-limit-secondary", status: 429, retryAfterSeconds: 2 }, req);
    expect(res).toMatchObject({ status: 429, headers: { "retry-after": "2" }, body: { message: expect.stringMatching(/\bsecondary rate\b/i) } });
  });
});
