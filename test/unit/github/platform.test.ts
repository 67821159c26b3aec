import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../../src/github/client.js";
import { createGitHubPlatform, GitHubPlatform } from "../../../src/github/platform.js";
import { ConfigError, GitHubApiError, GitHubAuthError } from "../../../src/manager/errors.js";
import type { GitHubPath } from "../../../src/manager/types.js";
import { FakeGitHub } from "./fake-github.js";

const TOKEN = "ghp_faketoken0123456789";
const repo: GitHubPath = { kind: "repo", owner: "acme", repo: "widgets" };
const org = (runnerGroup = "default"): GitHubPath => ({ kind: "org", org: "acme", runnerGroup });

let fake: FakeGitHub;
let apiUrl: string;

beforeEach(async () => {
  fake = new FakeGitHub({ token: TOKEN });
  apiUrl = await fake.start();
});
afterEach(() => fake.close());

/** A platform whose waits are scaled down to milliseconds. */
function platform(path: GitHubPath, token = TOKEN): GitHubPlatform {
  const octokit = createOctokit({ auth: { token }, apiUrl, throttle: { retryAfterBaseMs: 5 }, retry: { retryAfterBaseMs: 5 } });
  return new GitHubPlatform({ octokit, path });
}

describe("GitHubPlatform.listRunners", () => {
  it("reads 250 runners in 3 requests of 100", async () => {
    fake.addRunners(250);
    const runners = await platform(repo).listRunners();
    expect(runners).toHaveLength(250);
    expect(new Set(runners.map((r) => r.id)).size).toBe(250);
    expect(fake.requests.map((r) => new URL(r.url, "http://x").search)).toStrictEqual(["?per_page=100", "?per_page=100&page=2", "?per_page=100&page=3"]);
  });

  it.each<{ name: string; path: GitHubPath; route: string }>([
    { name: "a repository", path: repo, route: "GET /repos/acme/widgets/actions/runners" },
    { name: "an organization", path: org(), route: "GET /orgs/acme/actions/runners" },
    { name: "an enterprise", path: { kind: "enterprise", enterprise: "acme-corp", runnerGroup: "default" }, route: "GET /enterprises/acme-corp/actions/runners" },
  ])("uses the runners endpoint of $name", async ({ path, route }) => {
    await platform(path).listRunners();
    expect(fake.calls()).toStrictEqual([route]);
  });

  it("maps GitHub's runner to the port's shape, online only when status is online", async () => {
    fake.runners.push({ id: 7, name: "app-0123456789ab", status: "offline", busy: true, labels: ["self-hosted", "linux"] });
    expect(await platform(org()).listRunners()).toStrictEqual([
      { id: 7, name: "app-0123456789ab", online: false, busy: true, labels: ["self-hosted", "linux"] },
    ]);
  });

  it("throws GitHubAuthError without the token when the token is rejected", async () => {
    const badToken = "ghp_revokedrevokedrevoked0123456789";
    const error: unknown = await platform(org(), badToken).listRunners().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubAuthError);
    expect(JSON.stringify(error) + String(error) + String((error as Error).cause)).not.toContain(badToken);
  });

  it("names the organization when GitHub does not know it", async () => {
    fake.fail("GET", /runners$/, { status: 404, body: { message: "Not Found" } });
    await expect(platform(org()).listRunners()).rejects.toThrow("GitHub found no organization 'acme' (404)");
  });
});

describe("GitHubPlatform.createJitRunner", () => {
  it("registers repository runners in group 1", async () => {
    const jit = await platform(repo).createJitRunner("app-0123456789ab", ["self-hosted", "linux"]);
    expect(fake.calls()).toStrictEqual(["POST /repos/acme/widgets/actions/runners/generate-jitconfig"]);
    expect(fake.requests[0]?.body).toStrictEqual({ name: "app-0123456789ab", runner_group_id: 1, labels: ["self-hosted", "linux"], work_folder: "_work" });
    expect(jit.runner).toStrictEqual({ id: 1, name: "app-0123456789ab", online: false, busy: false, labels: ["self-hosted", "linux"] });
    expect(jit.jitConfig).not.toBe("");
  });

  it("resolves an organization's runner group by name once and reuses it", async () => {
    fake.groups.push({ id: 5, name: "gpu" });
    const gh = platform(org("gpu"));
    await Promise.all([gh.createJitRunner("a-000000000001", ["x"]), gh.createJitRunner("a-000000000002", ["x"])]);
    await gh.createJitRunner("a-000000000003", ["x"]);
    expect(fake.calls().filter((c) => c === "GET /orgs/acme/actions/runner-groups")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "POST").map((r) => (r.body as { runner_group_id: number }).runner_group_id)).toStrictEqual([5, 5, 5]);
  });

  it("matches the configured 'default' group with GitHub's 'Default'", async () => {
    await platform(org()).createJitRunner("a-000000000001", ["x"]);
    expect((fake.requests[1]?.body as { runner_group_id: number }).runner_group_id).toBe(1);
  });

  it("throws a ConfigError listing the groups when the group does not exist, sending no JIT request", async () => {
    fake.groups.push({ id: 5, name: "gpu" });
    await expect(platform(org("arm")).createJitRunner("a-000000000001", ["x"])).rejects.toThrow(
      new ConfigError([{ path: "github.runnerGroup", message: "runner group 'arm' not found in organization 'acme'; available: Default, gpu" }]),
    );
    expect(fake.calls()).toStrictEqual(["GET /orgs/acme/actions/runner-groups"]);
  });

  it("looks the group up again when the first lookup failed", async () => {
    fake.fail("GET", /runner-groups$/, { status: 403, body: { message: "Must have admin rights" } });
    const gh = platform(org());
    await expect(gh.createJitRunner("a-000000000001", ["x"])).rejects.toBeInstanceOf(GitHubAuthError);
    await gh.createJitRunner("a-000000000001", ["x"]);
    expect(fake.calls().filter((c) => c.endsWith("runner-groups"))).toHaveLength(2);
  });

  it("translates a name conflict into a GitHubApiError with status 409", async () => {
    fake.addRunners(1, "taken");
    const error: unknown = await platform(repo).createJitRunner("taken-0", ["x"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(409);
    expect(fake.calls().filter((c) => c.startsWith("POST"))).toHaveLength(1);
  });
});

describe("GitHubPlatform.deleteRunner", () => {
  it("returns deleted when GitHub answers 204", async () => {
    fake.addRunners(1);
    expect(await platform(org()).deleteRunner(1)).toBe("deleted");
    expect(fake.calls()).toStrictEqual(["DELETE /orgs/acme/actions/runners/1"]);
  });

  it("returns gone when GitHub answers 404", async () => {
    expect(await platform(org()).deleteRunner(99)).toBe("gone");
  });

  it("returns busy on 422 after sending the request exactly once", async () => {
    fake.runners.push({ id: 3, name: "busy-one", status: "online", busy: true, labels: [] });
    expect(await platform(repo).deleteRunner(3)).toBe("busy");
    expect(fake.calls()).toStrictEqual(["DELETE /repos/acme/widgets/actions/runners/3"]);
  });

  it("retries a 502 (DELETE is idempotent) and throws GitHubApiError when it persists", async () => {
    fake.fail("DELETE", /runners\/1$/, { status: 502, body: { message: "Bad Gateway" } }, 10);
    const error: unknown = await platform(org()).deleteRunner(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).message).toContain("GitHub answered 502 while deleting runner 1");
    expect(fake.calls()).toHaveLength(4);
  });
});

describe("GitHubPlatform.findJob", () => {
  const job = (runner: string | null, i: number) => ({ runner_name: runner, created_at: `2024-05-01T10:00:${String(i % 60).padStart(2, "0")}Z`, started_at: null as string | null, conclusion: null as string | null });

  it("finds the job its runner ran on a later page", async () => {
    const jobs = Array.from({ length: 150 }, (_, i) => job(`other-${i}`, i));
    jobs[120] = { runner_name: "app-0123456789ab", created_at: "2024-05-01T10:00:00Z", started_at: "2024-05-01T10:00:30Z", conclusion: "success" };
    fake.jobs.set(42, jobs);
    expect(await platform(org()).findJob("acme/widgets", 42, "app-0123456789ab")).toStrictEqual({
      createdAt: new Date("2024-05-01T10:00:00Z"),
      startedAt: new Date("2024-05-01T10:00:30Z"),
      conclusion: "success",
    });
    expect(fake.calls()).toStrictEqual(["GET /repos/acme/widgets/actions/runs/42/jobs", "GET /repos/acme/widgets/actions/runs/42/jobs"]);
  });

  it("reads at most 3 pages and returns undefined when no job matches", async () => {
    fake.jobs.set(42, Array.from({ length: 400 }, (_, i) => job(null, i)));
    expect(await platform(org()).findJob("acme/widgets", 42, "app-0123456789ab")).toBeUndefined();
    expect(fake.calls()).toHaveLength(3);
  });

  it("returns undefined when GitHub no longer knows the run", async () => {
    expect(await platform(org()).findJob("acme/widgets", 404, "app-0123456789ab")).toBeUndefined();
  });

  it("rejects a repository that is not owner/repo", async () => {
    await expect(platform(org()).findJob("acme", 1, "x")).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("createGitHubPlatform", () => {
  it("parses a string path with its runner group and talks to the given API URL", async () => {
    fake.groups.push({ id: 9, name: "linux" });
    const gh = createGitHubPlatform({ auth: { token: TOKEN }, apiUrl, path: "acme", runnerGroup: "linux" });
    await gh.createJitRunner("a-000000000001", ["x"]);
    expect((fake.requests[1]?.body as { runner_group_id: number }).runner_group_id).toBe(9);
  });
});
