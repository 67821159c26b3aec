import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { recoverMissedDeliveries } from "../../src/demand/recovery.js";
import type { GitHubClientOptions } from "../../src/github/client.js";
import { createHookDeliveries } from "../../src/github/hook-deliveries.js";
import { ensureWorkflowJobHook } from "../../src/github/webhook-setup.js";
import { ConfigError, GitHubAuthError, NotFoundError } from "../../src/manager/errors.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { MemoryDemandStore } from "../unit/demand/fakes.js";
import { startReceiver, type Received, type WebhookReceiver } from "../unit/sandbox/webhook-receiver.js";

// The hook adapters (webhook setup, deliveries, redelivery) over real HTTP against the sandbox's
// simulated GitHub, with the real Octokit stack, delivering to a node:http receiver.

const SECRET = "It's a Secret to Everybody";
const T0 = 1_700_000_000_000;
let t = T0;
let sandbox: Sandbox | undefined;
const receivers: WebhookReceiver[] = [];

afterEach(async () => {
  await sandbox?.close();
  await Promise.all(receivers.splice(0).map((rx) => rx.close()));
  sandbox = undefined;
});

async function setUp(): Promise<{ sb: Sandbox; rx: WebhookReceiver }> {
  t = T0;
  sandbox = await startSandbox({ now: () => t });
  return { sb: sandbox, rx: await receiver() };
}

async function receiver(): Promise<WebhookReceiver> {
  const rx = await startReceiver();
  receivers.push(rx);
  return rx;
}

const client = (sb: Sandbox, token = sb.githubToken): GitHubClientOptions => ({
  auth: { token },
  apiUrl: sb.githubUrl,
  throttle: { retryAfterBaseMs: 5 },
  retry: { retryAfterBaseMs: 5 },
});
const calls = (sb: Sandbox) => sb.requests("github").map((r) => `${r.method} ${r.route} ${r.status}`);
const signedWith = (r: Received, secret: string) => r.headers["x-hub-signature-256"] === `sha256=${createHmac("sha256", secret).update(r.raw).digest("hex")}`;

async function hooksOf(sb: Sandbox, scope: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${sb.githubUrl}${scope}/hooks`, { headers: { authorization: `token ${sb.githubToken}` } });
  return (await res.json()) as Record<string, unknown>[];
}

describe("ensureWorkflowJobHook on the sandbox", () => {
  it("creates one workflow_job hook and updates that same hook when ensured again", async () => {
    const { sb, rx } = await setUp();
    const first = await ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: rx.url, secret: "old secret" });
    const second = await ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: rx.url, secret: SECRET });
    expect(first).toStrictEqual({ id: expect.any(Number), created: true });
    expect(second).toStrictEqual({ id: first.id, created: false });
    expect(await hooksOf(sb, "/repos/acme/app")).toMatchObject([
      { id: first.id, active: true, events: ["workflow_job"], config: { url: rx.url, content_type: "json", secret: "********" } },
    ]);
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    expect(rx.jobEvents().map((r) => signedWith(r, SECRET))).toStrictEqual([true]);
  });

  it("reactivates a disabled hook at the URL, narrows it to workflow_job and keeps its insecure_ssl", async () => {
    const { sb, rx } = await setUp();
    const config = { url: rx.url, content_type: "form", insecure_ssl: "1" };
    const body = JSON.stringify({ name: "web", active: false, events: ["push"], config });
    await fetch(`${sb.githubUrl}/orgs/acme/hooks`, { method: "POST", headers: { authorization: `token ${sb.githubToken}`, "content-type": "application/json" }, body });
    const [before] = await hooksOf(sb, "/orgs/acme");
    expect(await ensureWorkflowJobHook({ ...client(sb), path: "acme", url: rx.url, secret: SECRET })).toStrictEqual({ id: before?.id, created: false });
    expect(await hooksOf(sb, "/orgs/acme")).toMatchObject([{ active: true, events: ["workflow_job"], config: { content_type: "json", insecure_ssl: "1" } }]);
  });

  it("leaves one hook when two controllers ensure it at the same time", async () => {
    const { sb, rx } = await setUp();
    const ensure = () => ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: rx.url, secret: SECRET });
    const results = await Promise.all([ensure(), ensure()]);
    expect(results.map((r) => r.created).sort()).toStrictEqual([false, true]);
    expect(await hooksOf(sb, "/repos/acme/app")).toHaveLength(1);
  });
});

describe("GitHubHookDeliveries on the sandbox", () => {
  it.each([
    { name: "a repository", path: "acme/app" },
    { name: "an organization", path: "acme" },
  ])("lists the deliveries lost since a time on $name's hook and redelivers them with the same GUID", async ({ path }) => {
    const { sb, rx } = await setUp();
    await ensureWorkflowJobHook({ ...client(sb), path, url: rx.url, secret: SECRET });
    await sb.webhooksIdle();
    t += 1000;
    const since = new Date(t);
    sb.setWebhookFaults({ lossRate: 1 });
    for (let i = 0; i < 3; i++) sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    expect(rx.jobEvents()).toStrictEqual([]);

    const deliveries = createHookDeliveries({ ...client(sb), path, hookUrl: rx.url });
    const lost = await deliveries.listDeliveries(since);
    expect(lost.map((d) => [d.event, d.action, d.statusCode, d.redelivery, d.status === "OK"])).toStrictEqual(Array(3).fill(["workflow_job", "queued", 0, false, false]));
    sb.setWebhookFaults({});
    for (const d of lost) await deliveries.redeliver(d.id);
    await sb.webhooksIdle();

    expect(rx.jobEvents().map((r) => r.guid).sort()).toStrictEqual(lost.map((d) => d.guid).sort());
    expect(rx.jobEvents().every((r) => signedWith(r, SECRET))).toBe(true);
    const again = await deliveries.listDeliveries(since);
    expect(again.filter((d) => d.redelivery).map((d) => [d.guid, d.status]).sort()).toStrictEqual(lost.map((d) => [d.guid, "OK"]).sort());
  });

  it("follows the cursor pages 100 at a time and stops reading once a page reaches back past since", async () => {
    const { sb, rx } = await setUp();
    await ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: rx.url, secret: SECRET });
    t += 1000;
    for (let i = 0; i < 120; i++) sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    t += 1000;
    for (let i = 0; i < 5; i++) sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const deliveries = createHookDeliveries({ ...client(sb), path: "acme/app" });

    sb.resetRequests();
    expect(await deliveries.listDeliveries(new Date(t))).toHaveLength(5);
    expect(calls(sb)).toStrictEqual(["GET /repos/{owner}/{repo}/hooks 200", "GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries 200"]);

    sb.resetRequests();
    const all = await deliveries.listDeliveries(new Date(T0));
    expect(all.map((d) => d.event)).toStrictEqual([...Array(125).fill("workflow_job"), "ping"]);
    expect(new Set(all.map((d) => d.id)).size).toBe(126);
    expect(calls(sb).filter((c) => c.includes("deliveries"))).toHaveLength(2);
  });

  it("lets recovery redeliver only the failed deliveries its store never received", async () => {
    const { sb, rx } = await setUp();
    await ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: rx.url, secret: SECRET });
    t += 1000;
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const store = new MemoryDemandStore();
    for (const r of rx.jobEvents()) await store.recordDelivery(r.guid, new Date(t));
    sb.setWebhookFaults({ lossRate: 1 });
    sb.enqueueJob({ repository: "acme/app" });
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    sb.setWebhookFaults({});

    const deliveries = createHookDeliveries({ ...client(sb), path: "acme/app", hookUrl: rx.url });
    const result = await recoverMissedDeliveries({ deliveries, store, since: new Date(T0), now: () => new Date(t) });
    await sb.webhooksIdle();
    expect(result).toMatchObject({ status: "done", missed: 2, redelivered: 2, failed: 0 });
    expect(new Set(rx.jobEvents().map((r) => r.guid)).size).toBe(3);
  });

  it.each([
    { name: "a repository", path: "acme/app", scope: "admin:repo_hook" },
    { name: "an organization", path: "acme", scope: "admin:org_hook" },
  ])("refuses a read-only token on $name with GitHubAuthError naming $scope", async ({ path, scope }) => {
    const { sb, rx } = await setUp();
    await ensureWorkflowJobHook({ ...client(sb), path, url: rx.url, secret: SECRET });
    sb.addToken("ghp_reader", { permissions: "read" });
    const reader = client(sb, "ghp_reader");
    const refusal = { name: "GitHubAuthError", status: 403, message: expect.stringContaining(scope) };
    await expect(createHookDeliveries({ ...reader, path }).listDeliveries(new Date(T0))).rejects.toMatchObject(refusal);
    await expect(ensureWorkflowJobHook({ ...reader, path, url: rx.url, secret: SECRET })).rejects.toMatchObject(refusal);
    await expect(ensureWorkflowJobHook({ ...reader, path, url: rx.url, secret: SECRET })).rejects.toBeInstanceOf(GitHubAuthError);
    const recovery = await recoverMissedDeliveries({ deliveries: createHookDeliveries({ ...reader, path }), store: new MemoryDemandStore() });
    expect(recovery).toMatchObject({ status: "unavailable", reason: "permission" });
  });

  it("picks the hook at hookUrl among several and refuses to guess without it", async () => {
    const { sb, rx } = await setUp();
    const other = await receiver();
    const ours = await ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: rx.url, secret: SECRET });
    await ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: other.url, secret: SECRET });
    await sb.webhooksIdle();
    sb.resetRequests();
    const listed = await createHookDeliveries({ ...client(sb), path: "acme/app", hookUrl: rx.url }).listDeliveries(new Date(T0));
    expect(listed.map((d) => d.event)).toStrictEqual(["ping"]);
    expect(sb.requests("github").find((r) => r.route.endsWith("/deliveries"))?.path).toBe(`/repos/acme/app/hooks/${ours.id}/deliveries`);
    await expect(createHookDeliveries({ ...client(sb), path: "acme/app" }).listDeliveries(new Date(T0))).rejects.toBeInstanceOf(ConfigError);
  });

  it("fails with NotFoundError when no active hook at the URL sends workflow_job", async () => {
    const { sb, rx } = await setUp();
    const hooks = createHookDeliveries({ ...client(sb), path: "acme/app", hookUrl: rx.url });
    await expect(hooks.listDeliveries(new Date(T0))).rejects.toBeInstanceOf(NotFoundError);
    await ensureWorkflowJobHook({ ...client(sb), path: "acme/app", url: `${rx.url}/elsewhere`, secret: SECRET });
    await expect(hooks.listDeliveries(new Date(T0))).rejects.toThrow(/no active webhook at http:\/\/127\.0\.0\.1:\d+\/webhook subscribed to workflow_job/);
  });
});
