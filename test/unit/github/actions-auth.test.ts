import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionsAuth, expiryOf } from "../../../src/github/actions-auth.js";
import { configUrlOf } from "../../../src/github/actions-config.js";
import { ActionsServiceError } from "../../../src/github/actions-errors.js";
import { createOctokit } from "../../../src/github/client.js";
import type { GitHubPath } from "../../../src/manager/types.js";
import { FakeActions, PAT } from "./actions-fake.js";
import { clientOn, repo } from "./actions-harness.js";

let fake: FakeActions;
beforeEach(async () => {
  fake = new FakeActions();
  await fake.start();
});
afterEach(() => fake.close());

const octokit = () => createOctokit({ auth: { token: PAT }, apiUrl: fake.url, retry: { enabled: false } });

describe("ActionsAuth token chain", () => {
  it("gets a registration token with the PAT, registers with RemoteAuth and the config URL, then calls the service with the admin JWT", async () => {
    const { client } = clientOn(fake);
    expect(await client.runnerGroupId("linux")).toBe(5);
    expect(fake.calls()).toStrictEqual([
      "POST /repos/acme/widgets/actions/runners/registration-token",
      "POST /actions/runner-registration",
      "GET /tenant/123/_apis/runtime/runnergroups/",
    ]);
    const [tokenCall, registration, serviceCall] = fake.requests;
    expect(tokenCall?.headers.authorization).toBe(`token ${PAT}`);
    expect(registration?.headers.authorization).toBe("RemoteAuth REGTOKEN1ABCDEFGHIJKLMNOP");
    expect(registration?.body).toStrictEqual({ url: `${fake.url}/acme/widgets`, runner_event: "register" });
    expect(serviceCall?.headers.authorization).toBe(`Bearer ${fake.adminToken}`);
  });

  it.each<{ name: string; path: GitHubPath; route: string; configPath: string }>([
    { name: "an organization", path: { kind: "org", org: "acme", runnerGroup: "default" }, route: "/orgs/acme/actions/runners/registration-token", configPath: "/acme" },
    { name: "an enterprise", path: { kind: "enterprise", enterprise: "acme-corp", runnerGroup: "default" }, route: "/enterprises/acme-corp/actions/runners/registration-token", configPath: "/enterprises/acme-corp" },
  ])("uses the registration-token route and config URL of $name", async ({ path, route, configPath }) => {
    const auth = new ActionsAuth({ octokit: octokit(), path, apiUrl: fake.url });
    await auth.credentials();
    expect(fake.requests[0]?.path).toBe(route);
    expect(fake.requests[1]?.body).toMatchObject({ url: `${fake.url}${configPath}` });
  });

  it("retries the runner registration after 401s until the fresh registration token is valid", async () => {
    fake.registrationUnauthorized = 2;
    const waits: number[] = [];
    const auth = new ActionsAuth({ octokit: octokit(), path: repo, apiUrl: fake.url, sleep: async (ms) => void waits.push(ms), random: () => 0 });
    const credentials = await auth.credentials();
    expect(credentials.serviceUrl).toBe(`${fake.url}/tenant/123`);
    expect(fake.calls().filter((c) => c === "POST /actions/runner-registration")).toHaveLength(3);
    // Old ARC's backoff: 500 ms·2^n (§1.2.3).
    expect(waits).toStrictEqual([500, 1000]);
  });

  it("gives up after the registration retries with a typed error that names no token", async () => {
    fake.registrationUnauthorized = 10;
    const auth = new ActionsAuth({ octokit: octokit(), path: repo, apiUrl: fake.url, registrationRetries: 2, sleep: async () => undefined });
    const error = await auth.credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionsServiceError);
    expect(error).toMatchObject({ status: 401, code: "actions_api" });
    expect(String((error as Error).message)).not.toMatch(/REGTOKEN|ghp_/);
  });

  it("keeps the admin token while 60 s or more remain and re-runs the whole chain when fewer remain", async () => {
    let now = Date.now();
    const auth = new ActionsAuth({ octokit: octokit(), path: repo, apiUrl: fake.url, now: () => now });
    const first = await auth.credentials();
    now = first.expiresAt - 60_000;
    expect(await auth.credentials()).toBe(first);
    now = first.expiresAt - 59_000;
    const second = await auth.credentials();
    expect(second.token).not.toBe(first.token);
    expect(fake.calls()).toStrictEqual([
      "POST /repos/acme/widgets/actions/runners/registration-token",
      "POST /actions/runner-registration",
      "POST /repos/acme/widgets/actions/runners/registration-token",
      "POST /actions/runner-registration",
    ]);
  });

  it("runs the chain once for concurrent callers", async () => {
    const auth = new ActionsAuth({ octokit: octokit(), path: repo, apiUrl: fake.url });
    const [a, b] = await Promise.all([auth.credentials(), auth.credentials()]);
    expect(a).toBe(b);
    expect(fake.requests).toHaveLength(2);
  });

  it("gets the registration token with a GitHub App installation token", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const app = createOctokit({ auth: { appId: 42, installationId: 7, privateKey }, apiUrl: fake.url });
    await new ActionsAuth({ octokit: app, path: repo, apiUrl: fake.url }).credentials();
    expect(fake.calls().slice(0, 2)).toStrictEqual(["POST /app/installations/7/access_tokens", "POST /repos/acme/widgets/actions/runners/registration-token"]);
    expect(fake.requests[1]?.headers.authorization).toBe("token ghs_installationtoken0123456789abc");
  });
});

describe("configUrlOf", () => {
  const org: GitHubPath = { kind: "org", org: "acme", runnerGroup: "default" };
  it.each([
    { name: "github.com", apiUrl: "https://api.github.com", path: org, url: "https://github.com/acme" },
    { name: "a trailing slash", apiUrl: "https://api.github.com/", path: repo, url: "https://github.com/acme/widgets" },
    { name: "GHE.com", apiUrl: "https://api.octo.ghe.com", path: org, url: "https://octo.ghe.com/acme" },
    { name: "GitHub Enterprise Server", apiUrl: "https://ghe.example/api/v3", path: repo, url: "https://ghe.example/acme/widgets" },
    { name: "an enterprise", apiUrl: "https://api.github.com", path: { kind: "enterprise", enterprise: "acme-corp", runnerGroup: "default" } as GitHubPath, url: "https://github.com/enterprises/acme-corp" },
    { name: "the sandbox", apiUrl: "http://127.0.0.1:8123", path: org, url: "http://127.0.0.1:8123/acme" },
  ])("derives the config URL of $name", ({ apiUrl, path, url }) => {
    expect(configUrlOf(path, apiUrl)).toBe(url);
  });
});

describe("expiryOf", () => {
  it("reads the exp claim without verifying the signature", () => {
    const jwt = `${Buffer.from("{}").toString("base64url")}.${Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString("base64url")}.not-a-signature`;
    expect(expiryOf(jwt)).toBe(2_000_000_000_000);
  });

  it("rejects a token that is not a JWT without quoting it", () => {
    expect(() => expiryOf("opaque-secret-token")).toThrow(/not a JWT with an exp claim/);
    expect(() => expiryOf("opaque-secret-token")).not.toThrow(/opaque-secret-token/);
  });
});
