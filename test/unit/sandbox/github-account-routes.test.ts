import { createPrivateKey, sign } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { INSTALLATION_ACCOUNT } from "../../../src/sandbox/github-app-routes.js";
import { createGitHubSide, type GitHubSide } from "../../../src/sandbox/github-side.js";
import { compileRoute, matchRoute, type SandboxResponse } from "../../../src/sandbox/http.js";
import { validateGitHubResponse } from "../../support/github-openapi/validate.js";

let t: number;
let side: GitHubSide;

beforeEach(() => {
  t = 1_700_000_000_000;
  side = createGitHubSide({ now: () => t, hooks: { runnerExited: () => {}, writeConsole: () => {} } });
});

/** Calls a route in process and holds its answer to GitHub's OpenAPI description. */
async function call(path: string, auth: string | null = `token ${side.token}`, method = "GET"): Promise<SandboxResponse & { body: Record<string, unknown> }> {
  const [pathname = "", search = ""] = path.split("?");
  const matched = matchRoute(side.routes.map(compileRoute), method, pathname);
  if (matched === undefined) throw new Error(`no route for ${method} ${path}`);
  const headers = { host: "127.0.0.1:1", ...(auth === null ? {} : { authorization: auth }) };
  const req = { method, path: pathname, params: matched.params, query: new URLSearchParams(search), headers, body: undefined, rawBody: "" };
  const res = await matched.route.handle(req);
  validateGitHubResponse({ service: "github", method, path: pathname, route: matched.route.pattern, status: res.status, responseBody: res.body });
  return res as SandboxResponse & { body: Record<string, unknown> };
}

/** A fresh app JWT, as @octokit/auth-app signs it. */
function appJwt(): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(t / 1000);
  const data = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 30, exp: now + 540, iss: side.app.appId })}`;
  return `Bearer ${data}.${sign("RSA-SHA256", Buffer.from(data), createPrivateKey(side.app.privateKey)).toString("base64url")}`;
}

describe("repositories and organizations", () => {
  it("shows any repository with the ids its webhooks use and the token's permissions", async () => {
    const repo = await call("/repos/acme/app");
    expect(repo.status).toBe(200);
    expect(repo.body).toMatchObject({ full_name: "acme/app", name: "app", private: true, default_branch: "main", permissions: { admin: true, pull: true, push: true } });
    expect((await call("/repos/acme/app")).body["id"]).toBe(repo.body["id"]);
    side.addToken("ghp_reader", { permissions: "read" });
    expect((await call("/repos/acme/app", "token ghp_reader")).body["permissions"]).toStrictEqual({ admin: false, maintain: false, push: false, triage: false, pull: true });
    expect((await call("/repos/acme/other")).body["id"]).not.toBe(repo.body["id"]);
    const org = await call("/orgs/acme");
    expect(org.body).toMatchObject({ login: "acme", type: "Organization", html_url: "https://github.com/acme" });
    expect((repo.body["owner"] as { id: number }).id).toBe(org.body["id"]);
  });

  it("answers 401 without a token and 401 for a bad one", async () => {
    expect((await call("/repos/acme/app", null)).status).toBe(401);
    expect((await call("/orgs/acme", "token ghp_nope")).body).toMatchObject({ message: "Bad credentials" });
  });
});

describe("the authenticated user", () => {
  it("is the user every personal access token belongs to", async () => {
    const user = await call("/user");
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ login: "sandbox-user", type: "User", user_view_type: "private", two_factor_authentication: true });
  });

  it("is refused to an installation token, which acts as the app", async () => {
    const minted = await call(`/app/installations/${side.app.installationId}/access_tokens`, appJwt(), "POST");
    const user = await call("/user", `token ${String(minted.body["token"])}`);
    expect(user.status).toBe(403);
    expect(user.body).toMatchObject({ message: "Resource not accessible by integration" });
  });
});

describe("rate_limit", () => {
  it("shows the token's core window without counting itself", async () => {
    await call("/repos/acme/app");
    await call("/orgs/acme");
    await call("/rate_limit");
    const res = await call("/rate_limit");
    const core = { limit: 5000, used: 2, remaining: 4998, reset: Math.ceil((t + 3_600_000) / 1000) };
    expect(res.body).toMatchObject({ rate: core, resources: { core } });
    expect(res.headers).toMatchObject({ "x-ratelimit-used": "2", "x-ratelimit-remaining": "4998", "x-ratelimit-resource": "core" });
  });

  it("answers callers without a token with the anonymous limit, and refuses bad tokens", async () => {
    expect((await call("/rate_limit", null)).body).toMatchObject({ rate: { limit: 60, used: 0, remaining: 60 } });
    expect((await call("/rate_limit", "token ghp_nope")).status).toBe(401);
  });
});

describe("the app and its installation", () => {
  it("shows the app to its JWT and refuses a token", async () => {
    const app = await call("/app", appJwt());
    expect(app.status).toBe(200);
    expect(app.body).toMatchObject({ id: side.app.appId, slug: "runner-fleet-sandbox", permissions: { organization_self_hosted_runners: "write" }, events: ["workflow_job"] });
    expect((await call("/app")).status).toBe(401);
  });

  it("lists its one installation and finds it through any repository or organization", async () => {
    const listed = (await call("/app/installations", appJwt())).body as unknown as { id: number; account: { login: string } }[];
    expect(listed.map((i) => [i.id, i.account.login])).toStrictEqual([[side.app.installationId, INSTALLATION_ACCOUNT]]);
    const byRepo = await call("/repos/other/app/installation", appJwt());
    expect(byRepo.body).toMatchObject({ id: side.app.installationId, app_id: side.app.appId, account: { login: "other" }, target_type: "Organization" });
    expect(byRepo.body["access_tokens_url"]).toBe(`http://127.0.0.1:1/app/installations/${side.app.installationId}/access_tokens`);
    expect((await call("/orgs/acme/installation", appJwt())).body).toMatchObject({ id: side.app.installationId, account: { login: "acme" } });
    expect((await call("/orgs/acme/installation")).status).toBe(401);
    expect((await call(`/app/installations/${side.app.installationId}`, appJwt())).body).toMatchObject({ id: side.app.installationId, account: { login: INSTALLATION_ACCOUNT } });
    expect((await call("/app/installations/1", appJwt())).status).toBe(404);
  });
});
