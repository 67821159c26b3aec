import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recoverMissedDeliveries } from "../../../src/demand/recovery.js";
import { createHookDeliveries } from "../../../src/github/hook-deliveries.js";
import { createJobLookup } from "../../../src/github/job-lookup.js";
import { ensureWorkflowJobHook } from "../../../src/github/webhook-setup.js";
import { ConfigError, GitHubApiError, GitHubAuthError, NotFoundError, RateLimitError } from "../../../src/manager/errors.js";
import { MemoryDemandStore } from "../demand/fakes.js";
import { FakeGitHub } from "./fake-github.js";

// The hook and job adapters against a scripted fake GitHub: the answers the sandbox never gives
// (GitHub's rarer job statuses, enterprises, opaque cursors, a server echoing the secret).

const TOKEN = "ghp_faketoken0123456789";
const SECRET = "correct horse battery staple";
const URL_ = "https://ci.example.com/webhook";
let fake: FakeGitHub;
let apiUrl: string;

beforeEach(async () => {
  fake = new FakeGitHub({ token: TOKEN });
  apiUrl = await fake.start();
});
afterEach(() => fake.close());

const options = () => ({ auth: { token: TOKEN }, apiUrl, throttle: { retryAfterBaseMs: 5 }, retry: { retryAfterBaseMs: 5 } });
const hook = { id: 7, active: true, events: ["workflow_job"], config: { url: URL_, content_type: "json" } };
const delivery = (id: number, at: string) => ({ id, guid: `g-${id}`, delivered_at: at, redelivery: false, duration: 0.1, status: "OK", status_code: 200, event: "workflow_job", action: "queued" });

describe("GitHubJobLookup", () => {
  it.each([
    ["queued", "queued"],
    ["waiting", "queued"],
    ["requested", "queued"],
    ["pending", "queued"],
    ["in_progress", "in_progress"],
    ["completed", "completed"],
  ])("maps GitHub's status %s to %s", async (status, expected) => {
    fake.fail("GET", /\/actions\/jobs\/42$/, { status: 200, body: { id: 42, status } });
    expect(await createJobLookup(options()).jobStatus("acme/app", 42)).toBe(expected);
    expect(fake.calls()).toStrictEqual(["GET /repos/acme/app/actions/jobs/42"]);
  });

  it("fails with GitHubApiError on a status GitHub has not documented", async () => {
    fake.fail("GET", /\/actions\/jobs\/42$/, { status: 200, body: { id: 42, status: "teleported" } });
    await expect(createJobLookup(options()).jobStatus("acme/app", 42)).rejects.toThrow(/unknown status 'teleported'/);
  });

  it("names the Actions permission when GitHub answers 403", async () => {
    fake.fail("GET", /\/actions\/jobs\/42$/, { status: 403, body: { message: "Resource not accessible by integration" } });
    const lookup = createJobLookup(options()).jobStatus("acme/app", 42);
    await expect(lookup).rejects.toSatisfy((e) => e instanceof GitHubAuthError && /Actions: read/.test(e.message) && !/runner/.test(e.message));
  });

  it("refuses a repository that is not owner/repo without calling GitHub", async () => {
    await expect(createJobLookup(options()).jobStatus("acme", 42)).rejects.toBeInstanceOf(ConfigError);
    expect(fake.requests).toStrictEqual([]);
  });
});

describe("GitHubHookDeliveries", () => {
  it("sends GitHub's opaque cursor from the Link header back on the next page", async () => {
    fake.fail("GET", /\/hooks$/, { status: 200, body: [hook] });
    const next = `${apiUrl}/repos/acme/app/hooks/7/deliveries?per_page=100&cursor=v1_abc%3D%3D`;
    fake.fail("GET", /\/deliveries$/, { status: 200, body: [delivery(3, "2026-01-02T00:00:00Z")], headers: { link: `<${next}>; rel="next"` } });
    fake.fail("GET", /\/deliveries$/, { status: 200, body: [delivery(2, "2026-01-01T12:00:00Z"), delivery(1, "2025-12-31T00:00:00Z")] });
    const listed = await createHookDeliveries({ ...options(), path: "acme/app", hookUrl: URL_ }).listDeliveries(new Date("2026-01-01T00:00:00Z"));
    expect(listed.map((d) => d.guid)).toStrictEqual(["g-3", "g-2"]);
    expect(fake.requests.map((r) => r.url)).toStrictEqual([
      "/repos/acme/app/hooks?per_page=100",
      "/repos/acme/app/hooks/7/deliveries?per_page=100",
      "/repos/acme/app/hooks/7/deliveries?per_page=100&cursor=v1_abc%3D%3D",
    ]);
  });

  it("keeps a secondary rate limit on the hooks API a RateLimitError", async () => {
    fake.fail("GET", /\/hooks$/, { status: 403, body: { message: "You have exceeded a secondary rate limit" }, headers: { "retry-after": "1" } }, 5);
    await expect(createHookDeliveries({ ...options(), path: "acme" }).listDeliveries(new Date(0))).rejects.toBeInstanceOf(RateLimitError);
  });

  it("throws NotFoundError for an enterprise without calling GitHub, which recovery reports as unavailable", async () => {
    const hooks = createHookDeliveries({ ...options(), path: "enterprise:acme-corp" });
    await expect(hooks.listDeliveries(new Date(0))).rejects.toBeInstanceOf(NotFoundError);
    await expect(hooks.redeliver(1)).rejects.toThrow(/no webhook deliveries API for enterprise 'acme-corp'/);
    const recovery = await recoverMissedDeliveries({ deliveries: hooks, store: new MemoryDemandStore() });
    expect(recovery).toMatchObject({ status: "unavailable", detail: expect.stringContaining("no webhook deliveries API") });
    expect(fake.requests).toStrictEqual([]);
  });
});

describe("ensureWorkflowJobHook", () => {
  it("reports every bad input at once without calling GitHub", async () => {
    const ensuring = ensureWorkflowJobHook({ ...options(), path: "enterprise:acme-corp", url: "ftp://x", secret: " " });
    await expect(ensuring).rejects.toSatisfy((e) => e instanceof ConfigError && e.problems.map((p) => p.path).join() === "github.path,webhook.url,webhook.secret");
    expect(fake.requests).toStrictEqual([]);
  });

  it("never puts the secret into an error, even when the server echoes it", async () => {
    fake.fail("GET", /\/hooks$/, { status: 200, body: [] });
    fake.fail("POST", /\/hooks$/, { status: 500, body: { message: `could not store secret ${SECRET}` } });
    const error = await ensureWorkflowJobHook({ ...options(), path: "acme/app", url: URL_, secret: SECRET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toContain("could not store secret [REDACTED]");
    expect(JSON.stringify(error) + String(error) + String((error as Error).cause)).not.toContain(SECRET);
    expect(fake.requests.map((r) => r.body)).toContainEqual({ name: "web", active: true, events: ["workflow_job"], config: { url: URL_, content_type: "json", secret: SECRET, insecure_ssl: "0" } });
  });
});
