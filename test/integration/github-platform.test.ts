import { afterEach, describe, expect, it } from "vitest";
import { createOctokit, type GitHubClientOptions } from "../../src/github/client.js";
import { GitHubPlatform } from "../../src/github/platform.js";
import { parseGitHubPath } from "../../src/manager/github-path.js";
import { ConfigError, GitHubAuthError, RateLimitError } from "../../src/manager/errors.js";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";

// GitHubPlatform over real HTTP against the sandbox's simulated GitHub (SPEC §6), with the real
// Octokit stack: auth-app, throttling, retry, paginate.

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox(options);
  return sandbox;
}

/** A platform on the sandbox with waits scaled to milliseconds. */
function platformOn(sb: Sandbox, path: string, options: Partial<GitHubClientOptions> = {}, runnerGroup?: string): GitHubPlatform {
  const octokit = createOctokit({
    auth: { token: sb.githubToken },
    apiUrl: sb.githubUrl,
    ...options,
    throttle: { retryAfterBaseMs: 5, ...options.throttle },
    retry: { retryAfterBaseMs: 5, ...options.retry },
  });
  return new GitHubPlatform({ octokit, path: parseGitHubPath(path, runnerGroup) });
}

const calls = (sb: Sandbox) => sb.requests("github").map((r) => `${r.method} ${r.route} ${r.status}`);

describe("GitHubPlatform on the sandbox", () => {
  it("registers, lists and deregisters a repository runner", async () => {
    const sb = await start();
    const gh = platformOn(sb, "acme/app");
    const jit = await gh.createJitRunner("it-0123456789ab", ["self-hosted", "linux"]);
    expect(jit.jitConfig).not.toBe("");
    expect(await gh.listRunners()).toStrictEqual([{ ...jit.runner, online: false, busy: false }]);
    expect(await gh.deleteRunner(jit.runner.id)).toBe("deleted");
    expect(await gh.deleteRunner(jit.runner.id)).toBe("gone");
    expect(await gh.listRunners()).toStrictEqual([]);
  });

  it("lists 250 organization runners in 3 requests", async () => {
    // Above the sandbox's default JIT limit of 180 a minute, like GitHub's.
    const sb = await start({ github: { jitPerMinute: 1000 } });
    const gh = platformOn(sb, "acme");
    const names = Array.from({ length: 250 }, (_, i) => `it-${i.toString(16).padStart(12, "0")}`);
    await Promise.all(names.map((name) => gh.createJitRunner(name, ["self-hosted"])));
    sb.resetRequests();
    expect((await gh.listRunners()).map((r) => r.name).sort()).toStrictEqual(names);
    expect(calls(sb)).toStrictEqual(Array(3).fill("GET /orgs/{org}/actions/runners 200"));
  }, 60_000);

  it("puts organization runners in the runner group named in the path", async () => {
    const sb = await start();
    const jit = await platformOn(sb, "acme", {}, "ci-group").createJitRunner("it-0123456789ab", ["self-hosted"]);
    expect(sb.githubRunners().find((r) => r.id === jit.runner.id)?.groupId).toBe(2);
    await expect(platformOn(sb, "acme", {}, "nope").createJitRunner("it-0123456789ac", ["x"])).rejects.toBeInstanceOf(ConfigError);
  });

  it("authenticates as the sandbox's GitHub App with one installation token", async () => {
    const sb = await start();
    const octokit = createOctokit({ auth: sb.githubApp, apiUrl: sb.githubUrl });
    const gh = new GitHubPlatform({ octokit, path: parseGitHubPath("acme/app") });
    await gh.createJitRunner("it-0123456789ab", ["self-hosted"]);
    await gh.listRunners();
    expect(calls(sb).filter((c) => c.includes("access_tokens"))).toStrictEqual(["POST /app/installations/{installation_id}/access_tokens 201"]);
  });

  it("retries a 502 on a list and waits out a secondary rate limit on a JIT request", async () => {
    const sb = await start();
    sb.fault({ service: "github", method: "GET", path: "/actions/runners$", kind: "status", status: 502 });
    sb.fault({ service: "github", method: "POST", path: "generate-jitconfig", kind: "rate-limit-secondary", retryAfterSeconds: 1 });
    const gh = platformOn(sb, "acme/app");
    await gh.listRunners();
    await gh.createJitRunner("it-0123456789ab", ["self-hosted"]);
    expect(calls(sb)).toStrictEqual([
      "GET /repos/{owner}/{repo}/actions/runners 502",
      "GET /repos/{owner}/{repo}/actions/runners 200",
      "POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig 403",
      "POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig 201",
    ]);
  });

  it("surfaces GitHub's JIT throttling as RateLimitError once the retries are spent", async () => {
    const sb = await start({ github: { jitPerMinute: 3 } });
    const gh = platformOn(sb, "acme/app", { throttle: { maxRetries: 0 } });
    for (let i = 0; i < 3; i++) await gh.createJitRunner(`it-00000000000${i}`, ["self-hosted"]);
    const error: unknown = await gh.createJitRunner("it-000000000009", ["self-hosted"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([
    { name: "a revoked token", setup: (sb: Sandbox) => sb.revokeToken(sb.githubToken), says: "GitHub rejected the token (401 Bad credentials)" },
    { name: "a read-only token", setup: (sb: Sandbox) => sb.addToken("ghp_readonly0000000000000000000000000000", { permissions: "read" }), token: "ghp_readonly0000000000000000000000000000", says: "needs admin:org" },
  ])("throws GitHubAuthError for $name, without the token in it", async ({ setup, token, says }) => {
    const sb = await start();
    const used = token ?? sb.githubToken;
    setup(sb);
    const octokit = createOctokit({ auth: { token: used }, apiUrl: sb.githubUrl });
    const error: unknown = await new GitHubPlatform({ octokit, path: parseGitHubPath("acme") }).listRunners().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubAuthError);
    expect(String(error)).toContain(says);
    expect(JSON.stringify(error) + String(error) + String((error as Error).cause)).not.toContain(used);
  });

  it("finds no job for a run GitHub does not know", async () => {
    const sb = await start();
    expect(await platformOn(sb, "acme/app").findJob("acme/app", 987654, "it-0123456789ab")).toBeUndefined();
  });
});
