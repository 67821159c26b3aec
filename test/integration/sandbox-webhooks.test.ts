import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";
import { validateWebhookPayload } from "../support/github-openapi/validate.js";
import { loginToSandbox } from "../support/sandbox-login.js";
import { waitFor } from "../support/wait.js";
import { startReceiver, type Received, type WebhookReceiver } from "../unit/sandbox/webhook-receiver.js";

// workflow_job deliveries from the whole sandbox over real HTTP: the simulated GitHub signs and
// POSTs them to a node:http receiver as a job is queued, taken by a runner on a VM, and finished.

const SECRET = "It's a Secret to Everybody";
let t = 1_700_000_000_000;
let sandbox: Sandbox | undefined;
let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await sandbox?.close();
  await receiver?.close();
  sandbox = receiver = undefined;
});

async function setUp(options: SandboxOptions = {}): Promise<{ sb: Sandbox; rx: WebhookReceiver }> {
  t = 1_700_000_000_000;
  receiver = await startReceiver();
  sandbox = await startSandbox({ now: () => t, bootDelayMs: 0, shutdownDelayMs: 0, ...options, github: { onlineDelayMs: 0, ...options.github } });
  return { sb: sandbox, rx: receiver };
}

async function gh(sb: Sandbox, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `token ${sb.githubToken}`, accept: "application/vnd.github+json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${sb.githubUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Creates a `workflow_job` hook and waits for its ping to be answered. */
async function createHook(sb: Sandbox, url: string, opts: { scope?: string; secret?: string; contentType?: "json" | "form" } = {}): Promise<number> {
  const config = { url, content_type: opts.contentType ?? "json", insecure_ssl: "0", ...(opts.secret === undefined ? {} : { secret: opts.secret }) };
  const res = await gh(sb, "POST", `${opts.scope ?? "/repos/acme/app"}/hooks`, { name: "web", active: true, events: ["workflow_job"], config });
  expect(res.status).toBe(201);
  await sb.webhooksIdle();
  return ((await res.json()) as { id: number }).id;
}

async function deliveries(sb: Sandbox, hookId: number, query = ""): Promise<Record<string, unknown>[]> {
  return (await (await gh(sb, "GET", `/repos/acme/app/hooks/${hookId}/deliveries${query}`)).json()) as Record<string, unknown>[];
}

/** Registers a JIT runner and boots a VM that starts it; resolves once the runner is online. */
async function startRunner(sb: Sandbox, name: string): Promise<void> {
  const jit = await gh(sb, "POST", "/repos/acme/app/actions/runners/generate-jitconfig", { name, runner_group_id: 1, labels: ["self-hosted", "linux"] });
  const config = ((await jit.json()) as { encoded_jit_config: string }).encoded_jit_config;
  const os = await loginToSandbox(sb);
  const headers = { "x-auth-token": os.token, "content-type": "application/json" };
  const images = (await (await fetch(`${os.image}/v2/images?name=ubuntu-24.04`, { headers })).json()) as { images: { id: string }[] };
  const nets = (await (await fetch(`${os.network}/v2.0/networks?name=runners-net`, { headers })).json()) as { networks: { id: string }[] };
  const userData = Buffer.from(`#!/bin/sh\n./run.sh --jitconfig '${config}'\n`).toString("base64");
  const server = { name, flavorRef: "1", imageRef: images.images[0]?.id, networks: [{ uuid: nets.networks[0]?.id }], user_data: userData };
  expect((await fetch(`${os.compute}/servers`, { method: "POST", headers, body: JSON.stringify({ server }) })).status).toBe(202);
  await waitFor(`runner ${name} online`, () => sb.githubRunners().some((r) => r.name === name && r.status === "online"));
}

function verifySignature(r: Received, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(r.raw).digest("hex")}`);
  const got = Buffer.from(String(r.headers["x-hub-signature-256"]));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function job(r: Received | undefined): Record<string, unknown> {
  return (r?.payload.workflow_job ?? {}) as Record<string, unknown>;
}

describe("workflow_job webhooks from the sandbox", () => {
  it("pings a new hook, then delivers a signed queued event with GitHub's headers when a job is queued", async () => {
    const { sb, rx } = await setUp();
    const hookId = await createHook(sb, rx.url, { secret: SECRET });
    expect(rx.received.map((r) => r.event)).toEqual(["ping"]);
    validateWebhookPayload("ping", null, rx.received[0]?.payload);

    const queued = sb.enqueueJob({ repository: "acme/app", labels: ["self-hosted", "linux", "gpu"], workflow: "build" });
    await sb.webhooksIdle();
    const [delivery] = rx.jobEvents();
    expect(delivery?.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": expect.stringMatching(/^GitHub-Hookshot\/[0-9a-f]+$/),
      "x-github-event": "workflow_job",
      "x-github-delivery": expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      "x-github-hook-id": String(hookId),
      "x-github-hook-installation-target-type": "repository",
      "x-github-hook-installation-target-id": expect.stringMatching(/^\d+$/),
      "x-hub-signature": `sha1=${createHmac("sha1", SECRET).update(delivery?.raw ?? "").digest("hex")}`,
    });
    expect(delivery && verifySignature(delivery, SECRET)).toBe(true);
    expect(delivery && verifySignature(delivery, "another secret")).toBe(false);
    expect(delivery?.payload).toMatchObject({ action: "queued", repository: { full_name: "acme/app", owner: { login: "acme" } }, organization: { login: "acme" } });
    expect(job(delivery)).toMatchObject({
      id: queued.id,
      run_id: queued.runId,
      run_attempt: 1,
      status: "queued",
      conclusion: null,
      labels: ["self-hosted", "linux", "gpu"],
      runner_id: null,
      runner_name: null,
      runner_group_id: null,
      runner_group_name: null,
      workflow_name: "build",
      steps: [],
      created_at: "2023-11-14T22:13:20Z",
    });
    validateWebhookPayload("workflow_job", "queued", delivery?.payload);
  });

  it("follows with in_progress and completed carrying the runner once a runner takes the job and finishes it", async () => {
    const { sb, rx } = await setUp();
    await createHook(sb, rx.url, { secret: SECRET });
    const queued = sb.enqueueJob({ repository: "acme/app", durationMs: 60_000 });
    await startRunner(sb, "wh-runner-1");
    await waitFor("the job to start", () => sb.jobs()[0]?.status === "in_progress");
    t += 60_000;
    await waitFor("the job to end", () => sb.jobs()[0]?.status === "completed");
    await sb.webhooksIdle();

    const events = rx.jobEvents();
    expect(events.map((r) => r.action)).toEqual(["queued", "in_progress", "completed"]);
    expect(new Set(events.map((r) => r.guid)).size).toBe(3);
    expect(events.every((r) => verifySignature(r, SECRET))).toBe(true);
    const runner = sb.githubRunners().find((r) => r.name === "wh-runner-1");
    const ran = { runner_name: "wh-runner-1", runner_group_id: 1, runner_group_name: "default" };
    expect(job(events[1])).toMatchObject({ id: queued.id, status: "in_progress", conclusion: null, ...ran });
    expect(job(events[2])).toMatchObject({ id: queued.id, status: "completed", conclusion: "success", ...ran, completed_at: "2023-11-14T22:14:20Z" });
    expect(job(events[1]).runner_id).toEqual(expect.any(Number));
    expect(runner).toBeUndefined(); // the ephemeral runner deregistered after its job
    for (const r of events) validateWebhookPayload("workflow_job", r.action, r.payload);
  });

  it("shows every job's queued, started and completed times on the Sandbox object and GET /_sandbox/jobs", async () => {
    const { sb } = await setUp();
    sb.enqueueJob({ repository: "acme/app", durationMs: 1000 });
    t += 7_250;
    await startRunner(sb, "wh-runner-2");
    await waitFor("the job to start", () => sb.jobs()[0]?.status === "in_progress");
    t += 1000;
    await waitFor("the job to end", () => sb.jobs()[0]?.status === "completed");
    const [times] = sb.jobs();
    expect(times).toMatchObject({ createdAt: 1_700_000_000_000, startedAt: 1_700_000_007_250, completedAt: 1_700_000_008_250 });
    const listed = (await (await gh(sb, "GET", "/_sandbox/jobs")).json()) as { jobs: Record<string, unknown>[] };
    expect(listed.jobs[0]).toMatchObject({ created_at_ms: 1_700_000_000_000, started_at_ms: 1_700_000_007_250, completed_at_ms: 1_700_000_008_250 });
  });

  it("sends no signature headers when the hook has no secret", async () => {
    const { sb, rx } = await setUp();
    await createHook(sb, rx.url);
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const [delivery] = rx.jobEvents();
    expect(delivery?.headers["x-github-event"]).toBe("workflow_job");
    expect(delivery?.headers).not.toHaveProperty("x-hub-signature-256");
    expect(delivery?.headers).not.toHaveProperty("x-hub-signature");
  });

  it("sends a form-encoded payload signed over the form bytes when the hook asks for form", async () => {
    const { sb, rx } = await setUp();
    await createHook(sb, rx.url, { secret: SECRET, contentType: "form" });
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const [delivery] = rx.jobEvents();
    expect(delivery?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(delivery?.raw.startsWith("payload=")).toBe(true);
    expect(delivery && verifySignature(delivery, SECRET)).toBe(true);
    expect(delivery?.payload.action).toBe("queued");
  });

  it("delivers one event to the repository's hook and its organization's hook under the same GUID", async () => {
    const { sb, rx } = await setUp();
    const repoHook = await createHook(sb, rx.url);
    const orgHook = await createHook(sb, `${rx.url}?org`, { scope: "/orgs/acme" });
    await createHook(sb, `${rx.url}?other`, { scope: "/orgs/other" });
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const events = rx.jobEvents();
    expect(events.map((r) => [r.headers["x-github-hook-id"], r.headers["x-github-hook-installation-target-type"]]).sort()).toEqual(
      [
        [String(repoHook), "repository"],
        [String(orgHook), "organization"],
      ].sort(),
    );
    expect(events[0]?.guid).toBe(events[1]?.guid);
    expect(events[0]?.raw).toBe(events[1]?.raw);
  });

  it("records a lost delivery as failed without reaching the receiver, and redelivers it with the same GUID", async () => {
    const { sb, rx } = await setUp();
    const hookId = await createHook(sb, rx.url, { secret: SECRET });
    sb.setWebhookFaults({ lossRate: 1 });
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    expect(rx.jobEvents()).toEqual([]);
    const [lost] = await deliveries(sb, hookId);
    expect(lost).toMatchObject({ event: "workflow_job", action: "queued", status: "timed out", status_code: 0, redelivery: false, duration: 10 });

    // Redeliveries draw no faults, so it arrives although the loss rate is still 1.
    expect((await gh(sb, "POST", `/repos/acme/app/hooks/${hookId}/deliveries/${String(lost?.id)}/attempts`)).status).toBe(202);
    await sb.webhooksIdle();
    const [redelivered] = rx.jobEvents();
    expect(redelivered?.guid).toBe(lost?.guid);
    expect(redelivered && verifySignature(redelivered, SECRET)).toBe(true);
    const [newest] = await deliveries(sb, hookId);
    expect(newest).toMatchObject({ guid: lost?.guid, redelivery: true, status: "OK", status_code: 200 });
  });

  it("sends a duplicated delivery twice with the same GUID and records both attempts", async () => {
    const { sb, rx } = await setUp();
    const hookId = await createHook(sb, rx.url);
    sb.setWebhookFaults({ duplicateRate: 1 });
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const events = rx.jobEvents();
    expect(events).toHaveLength(2);
    expect(events[0]?.guid).toBe(events[1]?.guid);
    const recorded = (await deliveries(sb, hookId)).filter((d) => d.event === "workflow_job");
    expect(recorded.map((d) => [d.guid, d.redelivery, d.status])).toEqual([
      [events[0]?.guid, false, "OK"],
      [events[0]?.guid, false, "OK"],
    ]);
  });

  it("lets in_progress overtake queued when the reorder fault holds queued back", async () => {
    const { sb, rx } = await setUp({ github: { webhooks: { reorderWindowMs: 60_000 } } });
    await createHook(sb, rx.url);
    await startRunner(sb, "wh-runner-3");
    // Only the queued delivery draws the reorder; the job starts at the next tick.
    sb.setWebhookFaults({ reorderRate: 1 });
    sb.enqueueJob({ repository: "acme/app", durationMs: 60_000 });
    sb.setWebhookFaults({});
    await waitFor("the job to start", () => sb.jobs()[0]?.status === "in_progress");
    await sb.webhooksIdle();
    expect(rx.jobEvents().map((r) => r.action)).toEqual(["in_progress", "queued"]);
  });

  it("postpones sending by delayMs: the attempt starts at the sandbox time after the delay", async () => {
    const { sb, rx } = await setUp();
    const hookId = await createHook(sb, rx.url);
    sb.setWebhookFaults({ delayMs: [150, 150] });
    sb.enqueueJob({ repository: "acme/app" });
    t += 3_600_000; // the clock moves while the delivery waits
    await sb.webhooksIdle();
    expect(rx.jobEvents()).toHaveLength(1);
    const [delayed] = await deliveries(sb, hookId);
    expect(delayed).toMatchObject({ action: "queued", delivered_at: "2023-11-14T23:13:20Z" });
  });

  it("records a receiver answering 500 as failed and never retries it", async () => {
    const { sb, rx } = await setUp();
    const hookId = await createHook(sb, rx.url);
    rx.answer(500);
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const [failed] = await deliveries(sb, hookId);
    expect(failed).toMatchObject({ action: "queued", status: "Invalid HTTP Response: 500", status_code: 500 });
    const hook = (await (await gh(sb, "GET", `/repos/acme/app/hooks/${hookId}`)).json()) as Record<string, unknown>;
    expect(hook.last_response).toEqual({ code: 500, status: "active", message: "Invalid HTTP Response: 500" });
    await sb.webhooksIdle();
    expect(rx.jobEvents()).toHaveLength(1);
    expect(sb.webhookDeliveries().filter((d) => d.event === "workflow_job")).toHaveLength(1);
  });

  it("records a receiver that does not answer within the timeout as timed out, and never retries it", async () => {
    const { sb, rx } = await setUp({ github: { webhooks: { timeoutMs: 300 } } });
    const hookId = await createHook(sb, rx.url);
    rx.answer("hang");
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const [timedOut] = await deliveries(sb, hookId);
    expect(timedOut).toMatchObject({ action: "queued", status: "timed out", status_code: 0 });
    expect(rx.jobEvents()).toHaveLength(1);
    expect(sb.webhookDeliveries().filter((d) => d.event === "workflow_job")).toHaveLength(1);
  });

  it("records connection refused when nothing listens at the hook's URL", async () => {
    const { sb, rx } = await setUp();
    await rx.close();
    const res = await gh(sb, "POST", "/repos/acme/app/hooks", { name: "web", events: ["workflow_job"], config: { url: rx.url, content_type: "json" } });
    const hookId = ((await res.json()) as { id: number }).id;
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    expect((await deliveries(sb, hookId)).map((d) => [d.event, d.status, d.status_code])).toEqual([
      ["workflow_job", "connection refused", 0],
      ["ping", "connection refused", 0],
    ]);
  });

  it("signs wrongly, not at all or only with SHA-1 when the signature fault asks for it", async () => {
    const { sb, rx } = await setUp();
    await createHook(sb, rx.url, { secret: SECRET });
    for (const signature of ["invalid", "missing", "sha1-only"] as const) {
      sb.setWebhookFaults({ signature });
      sb.enqueueJob({ repository: "acme/app" });
      await sb.webhooksIdle();
    }
    const [invalid, missing, sha1Only] = rx.jobEvents();
    expect(invalid?.headers["x-hub-signature-256"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(invalid && verifySignature(invalid, SECRET)).toBe(false);
    expect(missing?.headers).not.toHaveProperty("x-hub-signature-256");
    expect(missing?.headers).not.toHaveProperty("x-hub-signature");
    expect(sha1Only?.headers).not.toHaveProperty("x-hub-signature-256");
    expect(sha1Only?.headers["x-hub-signature"]).toBe(`sha1=${createHmac("sha1", SECRET).update(sha1Only?.raw ?? "").digest("hex")}`);
  });
});
