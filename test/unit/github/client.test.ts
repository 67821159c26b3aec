import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createOctokit, type GitHubClientOptions } from "../../../src/github/client.js";
import { GitHubPlatform } from "../../../src/github/platform.js";
import { ConfigError, GitHubApiError, RateLimitError } from "../../../src/manager/errors.js";
import type { Logger } from "../../../src/manager/ports.js";
import type { GitHubPath } from "../../../src/manager/types.js";
import { FakeGitHub, type FakeGitHubOptions } from "./fake-github.js";

const TOKEN = "ghp_faketoken0123456789";
const org: GitHubPath = { kind: "org", org: "acme", runnerGroup: "default" };
const fakes: FakeGitHub[] = [];

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function start(options: FakeGitHubOptions = {}): Promise<{ fake: FakeGitHub; apiUrl: string }> {
  const fake = new FakeGitHub({ token: TOKEN, ...options });
  fakes.push(fake);
  return { fake, apiUrl: await fake.start() };
}

/** A platform over a client whose waits are scaled to milliseconds unless `options` say otherwise. */
function platform(apiUrl: string, options: Partial<GitHubClientOptions> = {}): GitHubPlatform {
  const octokit = createOctokit({
    auth: { token: TOKEN },
    apiUrl,
    ...options,
    throttle: { retryAfterBaseMs: 5, ...options.throttle },
    retry: { retryAfterBaseMs: 5, ...options.retry },
  });
  return new GitHubPlatform({ octokit, path: org });
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

describe("createOctokit retries", () => {
  it("retries a GET that failed with 502", async () => {
    const { fake, apiUrl } = await start();
    fake.fail("GET", /runners$/, { status: 502, body: { message: "Bad Gateway" } });
    fake.addRunners(2);
    expect(await platform(apiUrl).listRunners()).toHaveLength(2);
    expect(fake.calls()).toStrictEqual(["GET /orgs/acme/actions/runners", "GET /orgs/acme/actions/runners"]);
  });

  it("sends a JIT POST that failed with 502 only once (it may have registered the runner)", async () => {
    const { fake, apiUrl } = await start();
    fake.fail("POST", /generate-jitconfig$/, { status: 502, body: { message: "Bad Gateway" } });
    await expect(platform(apiUrl).createJitRunner("a-000000000001", ["x"])).rejects.toBeInstanceOf(GitHubApiError);
    expect(fake.calls().filter((c) => c.startsWith("POST"))).toHaveLength(1);
  });

  it("times out a request that gets no answer and reports status 0", async () => {
    const { fake, apiUrl } = await start();
    fake.fail("GET", /runners$/, { status: 200, body: { total_count: 0, runners: [] }, delayMs: 2_000 });
    const error: unknown = await platform(apiUrl, { timeoutMs: 100, retry: { retries: 0 } }).listRunners().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(0);
    expect((error as GitHubApiError).message).toContain("no answer within 100 ms");
  });

  it("uses the injected fetch for every request", async () => {
    const { apiUrl } = await start();
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    await platform(apiUrl, { fetch: counting }).listRunners();
    expect(seen).toStrictEqual([`${apiUrl}/orgs/acme/actions/runners?per_page=100`]);
  });
});

describe("createOctokit rate limits", () => {
  const secondary = { status: 403, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." } };

  it("waits out a secondary rate limit for its retry-after, then retries", async () => {
    const { fake, apiUrl } = await start();
    fake.fail("POST", /generate-jitconfig$/, secondary);
    const started = Date.now();
    // Real seconds here: the wait announced by retry-after must be honoured.
    const jit = await platform(apiUrl, { throttle: { retryAfterBaseMs: 1000 } }).createJitRunner("a-000000000001", ["x"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(jit.runner.name).toBe("a-000000000001");
    expect(fake.calls().filter((c) => c.startsWith("POST"))).toHaveLength(2);
  });

  it("throws RateLimitError with the retry-after once its retries are spent", async () => {
    const { fake, apiUrl } = await start();
    fake.fail("POST", /generate-jitconfig$/, { ...secondary, headers: { "retry-after": "7" } }, 10);
    const error: unknown = await platform(apiUrl, { throttle: { maxRetries: 2 } }).createJitRunner("a-000000000001", ["x"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBe(7);
    expect(fake.calls().filter((c) => c.startsWith("POST"))).toHaveLength(3);
  });

  it("retries a primary rate limit whose reset is near", async () => {
    const { fake, apiUrl } = await start();
    const reset = String(Math.floor(Date.now() / 1000));
    fake.fail("GET", /runners$/, { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }, body: { message: "API rate limit exceeded" } });
    await platform(apiUrl).listRunners();
    expect(fake.calls()).toHaveLength(2);
  });

  it("fails at once with RateLimitError when the primary reset is further than maxWaitSeconds", async () => {
    const { fake, apiUrl } = await start();
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    fake.fail("GET", /runners$/, { status: 429, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }, body: { message: "API rate limit exceeded" } });
    const error: unknown = await platform(apiUrl).listRunners().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBeGreaterThan(3500);
    expect(fake.calls()).toHaveLength(1);
  });

  it("logs the waits without the token", async () => {
    const { fake, apiUrl } = await start();
    fake.fail("GET", /runners$/, secondary, 5);
    const logger = recordingLogger();
    await platform(apiUrl, { logger }).listRunners().catch(() => undefined);
    expect(logger.lines.some((l) => l.startsWith("warn GitHub secondary rate limit: retrying"))).toBe(true);
    expect(logger.lines.join("\n")).not.toContain(TOKEN);
  });
});

describe("createOctokit concurrency", () => {
  it("sends a burst of 100 JIT POSTs concurrently rather than one a second", async () => {
    const { fake, apiUrl } = await start({ postLatencyMs: 20 });
    const gh = platform(apiUrl);
    const names = Array.from({ length: 100 }, (_, i) => `a-${i.toString(16).padStart(12, "0")}`);
    await Promise.all(names.map((name) => gh.createJitRunner(name, ["x"])));
    expect(fake.runners).toHaveLength(100);
    expect(fake.maxPostsInFlight).toBeGreaterThan(1);
    expect(fake.maxPostsInFlight).toBeLessThanOrEqual(10);
  });
});

describe("createOctokit headers and base URL", () => {
  it("sends the API version header and the user agent on every request", async () => {
    const { fake, apiUrl } = await start();
    await platform(apiUrl, { userAgent: "fleet-test/1" }).listRunners();
    expect(fake.requests[0]?.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(fake.requests[0]?.headers["user-agent"]).toMatch(/^fleet-test\/1 /);
    expect(fake.requests[0]?.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it("honours a GitHub Enterprise Server base URL with its /api/v3 prefix", async () => {
    const { fake, apiUrl } = await start({ prefix: "/api/v3" });
    fake.addRunners(150);
    expect(await platform(`${apiUrl}/`).listRunners()).toHaveLength(150);
    expect(fake.requests.map((r) => r.url)).toStrictEqual([
      "/api/v3/orgs/acme/actions/runners?per_page=100",
      "/api/v3/orgs/acme/actions/runners?per_page=100&page=2",
    ]);
  });
});

describe("createOctokit with a GitHub App", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });

  it.each([
    { name: "github.com", prefix: "" },
    { name: "a GHES prefix", prefix: "/api/v3" },
  ])("fetches one installation token with a JWT and reuses it on $name", async ({ prefix }) => {
    const { fake, apiUrl } = await start({ prefix, appPublicKey: publicKey });
    const octokit = createOctokit({ auth: { appId: 123, installationId: 42, privateKey }, apiUrl });
    const gh = new GitHubPlatform({ octokit, path: org });
    await gh.listRunners();
    await gh.createJitRunner("a-000000000001", ["x"]);
    await gh.listRunners();
    const tokenCalls = fake.requests.filter((r) => r.method === "POST" && r.url.endsWith("/access_tokens"));
    expect(tokenCalls.map((r) => r.url)).toStrictEqual([`${prefix}/app/installations/42/access_tokens`]);
    expect(tokenCalls[0]?.headers.authorization).toMatch(/^bearer eyJ/);
    expect(tokenCalls[0]?.headers["x-github-api-version"]).toBe("2022-11-28");
    const others = fake.requests.filter((r) => !r.url.endsWith("/access_tokens"));
    expect(others.map((r) => r.headers.authorization)).toStrictEqual(Array(4).fill("token ghs_installation0")) // runners, runner groups, JIT, runners;
  });

  it("accepts a private key whose newlines are written as \\n", async () => {
    const { fake, apiUrl } = await start({ appPublicKey: publicKey });
    const octokit = createOctokit({ auth: { appId: "123", installationId: 42, privateKey: privateKey.replace(/\n/g, "\\n") }, apiUrl });
    await new GitHubPlatform({ octokit, path: org }).listRunners();
    expect(fake.calls()).toStrictEqual(["POST /app/installations/42/access_tokens", "GET /orgs/acme/actions/runners"]);
  });
});

describe("createOctokit validation", () => {
  it("lists every problem of its options in one ConfigError", () => {
    let error: unknown;
    try {
      createOctokit({ auth: { appId: "", installationId: 0, privateKey: "nope" }, apiUrl: "ftp://ghe", timeoutMs: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toStrictEqual([
      "github.app.appId",
      "github.app.installationId",
      "github.app.privateKey",
      "github.apiUrl",
      "github.timeoutMs",
    ]);
  });

  it("rejects an empty token", () => {
    expect(() => createOctokit({ auth: { token: " " } })).toThrow("github.token: the token is empty");
  });
});
