import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";
import { startReceiver, type WebhookReceiver } from "../unit/sandbox/webhook-receiver.js";

// The hook and delivery REST endpoints of the simulated GitHub, and the sandbox's webhook
// controls, over real HTTP: hooks in GitHub's shapes, admin only; deliveries in cursor pages,
// kept 3 days of sandbox time; faults set at run time; all of it kept in the state file.

const DAY_MS = 24 * 3_600_000;
let t = 1_700_000_000_000;
let sandbox: Sandbox | undefined;
let receiver: WebhookReceiver | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await sandbox?.close();
  await receiver?.close();
  sandbox = receiver = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setUp(options: SandboxOptions = {}): Promise<{ sb: Sandbox; rx: WebhookReceiver }> {
  t = 1_700_000_000_000;
  receiver ??= await startReceiver();
  sandbox = await startSandbox({ now: () => t, ...options });
  return { sb: sandbox, rx: receiver };
}

interface Answer {
  status: number;
  body: unknown;
  link: string | null;
}

async function gh(sb: Sandbox, method: string, path: string, body?: unknown, token = sb.githubToken): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `token ${token}`, accept: "application/vnd.github+json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const url = path.startsWith("http") ? path : `${sb.githubUrl}${path}`;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : (JSON.parse(text) as unknown), link: res.headers.get("link") };
}

function hookBody(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: "web", active: true, events: ["workflow_job"], config: { url, content_type: "json", secret: "s3cret", insecure_ssl: "0" }, ...extra };
}

async function createHook(sb: Sandbox, url: string, scope = "/repos/acme/app"): Promise<number> {
  const res = await gh(sb, "POST", `${scope}/hooks`, hookBody(url));
  expect(res.status).toBe(201);
  await sb.webhooksIdle();
  return (res.body as { id: number }).id;
}

describe("webhook management", () => {
  it("creates, lists, updates and deletes a repository hook in GitHub's shape without ever echoing the secret", async () => {
    const { sb, rx } = await setUp();
    const created = await gh(sb, "POST", "/repos/acme/app/hooks", hookBody(rx.url));
    expect(created.status).toBe(201);
    const hook = created.body as Record<string, unknown>;
    const self = `${sb.githubUrl}/repos/acme/app/hooks/${String(hook.id)}`;
    expect(hook).toEqual({
      type: "Repository",
      id: expect.any(Number),
      name: "web",
      active: true,
      events: ["workflow_job"],
      config: { content_type: "json", insecure_ssl: "0", url: rx.url, secret: "********" },
      created_at: "2023-11-14T22:13:20Z",
      updated_at: "2023-11-14T22:13:20Z",
      url: self,
      test_url: `${self}/test`,
      ping_url: `${self}/pings`,
      deliveries_url: `${self}/deliveries`,
      last_response: { code: null, status: "unused", message: null },
    });
    expect(JSON.stringify((await gh(sb, "GET", "/repos/acme/app/hooks")).body)).not.toContain("s3cret");
    expect((await gh(sb, "GET", "/repos/acme/app/hooks")).body).toEqual([expect.objectContaining({ id: hook.id })]);

    t += 1000;
    const patched = await gh(sb, "PATCH", `/repos/acme/app/hooks/${String(hook.id)}`, { active: false, add_events: ["push"], config: { url: rx.url, content_type: "json" } });
    expect(patched).toMatchObject({ status: 200, body: { active: false, events: ["workflow_job", "push"], updated_at: "2023-11-14T22:13:21Z" } });
    // A config without a secret removes the secret, as GitHub documents for updates.
    expect((patched.body as { config: Record<string, unknown> }).config).not.toHaveProperty("secret");
    expect((await gh(sb, "DELETE", `/repos/acme/app/hooks/${String(hook.id)}`)).status).toBe(204);
    expect((await gh(sb, "GET", `/repos/acme/app/hooks/${String(hook.id)}`)).status).toBe(404);
    expect((await gh(sb, "GET", "/repos/acme/app/hooks")).body).toEqual([]);
  });

  it("keeps an organization's hooks apart from its repositories' hooks, in the org-hook shape", async () => {
    const { sb, rx } = await setUp();
    const id = await createHook(sb, rx.url, "/orgs/acme");
    const hook = (await gh(sb, "GET", `/orgs/acme/hooks/${id}`)).body as Record<string, unknown>;
    expect(hook).toMatchObject({ type: "Organization", id, url: `${sb.githubUrl}/orgs/acme/hooks/${id}`, config: { secret: "********" } });
    expect(hook).not.toHaveProperty("test_url");
    expect((await gh(sb, "GET", `/repos/acme/app/hooks/${id}`)).status).toBe(404);
    expect((await gh(sb, "GET", `/orgs/other/hooks/${id}`)).status).toBe(404);
  });

  it.each([
    ["the config is missing", { name: "web", events: ["workflow_job"] }, "config is missing"],
    ["the URL is not http(s)", hookBody("ftp://example.com/hook"), "config.url must be an http or https URL"],
    ["the content type is unknown", hookBody("http://127.0.0.1:1/x", { config: { url: "http://127.0.0.1:1/x", content_type: "xml" } }), "content_type"],
    ["the name is not web", hookBody("http://127.0.0.1:1/x", { name: "travis" }), 'name must be "web"'],
    ["events is not a list of names", hookBody("http://127.0.0.1:1/x", { events: "workflow_job" }), "events must be a list"],
    ["a key is unknown", hookBody("http://127.0.0.1:1/x", { secret: "top-level" }), "unknown key 'secret'"],
  ])("answers 422 in GitHub's validation-error shape when %s", async (_, body, message) => {
    const { sb } = await setUp();
    const res = await gh(sb, "POST", "/repos/acme/app/hooks", body);
    expect(res).toMatchObject({
      status: 422,
      body: { message: "Validation Failed", errors: [expect.objectContaining({ resource: "Hook", message: expect.stringContaining(message) })], status: "422" },
    });
    expect((await gh(sb, "GET", "/repos/acme/app/hooks")).body).toEqual([]);
  });

  it("refuses a second hook with the same URL on the same repository", async () => {
    const { sb, rx } = await setUp();
    await createHook(sb, rx.url);
    const again = await gh(sb, "POST", "/repos/acme/app/hooks", hookBody(rx.url));
    expect(again).toMatchObject({ status: 422, body: { errors: [{ code: "custom", message: "Hook already exists on this repository" }] } });
  });

  it.each([
    ["a read-only token", "ghp_reader", 403],
    ["an unknown token", "ghp_unknown", 401],
  ])("refuses every hook and delivery route to %s", async (_, token, status) => {
    const { sb, rx } = await setUp();
    const id = await createHook(sb, rx.url);
    sb.addToken("ghp_reader", { permissions: "read" });
    const [delivery] = sb.webhookDeliveries();
    const paths = [
      ["GET", "/repos/acme/app/hooks"],
      ["POST", "/repos/acme/app/hooks"],
      ["GET", `/repos/acme/app/hooks/${id}`],
      ["PATCH", `/repos/acme/app/hooks/${id}`],
      ["DELETE", `/repos/acme/app/hooks/${id}`],
      ["GET", `/repos/acme/app/hooks/${id}/deliveries`],
      ["GET", `/repos/acme/app/hooks/${id}/deliveries/${String(delivery?.id)}`],
      ["POST", `/repos/acme/app/hooks/${id}/deliveries/${String(delivery?.id)}/attempts`],
      ["GET", "/orgs/acme/hooks"],
      ["GET", "/_sandbox/webhooks"],
      ["PUT", "/_sandbox/webhooks/faults"],
    ] as const;
    for (const [method, path] of paths) expect([method, path, (await gh(sb, method, path, method === "GET" ? undefined : {}, token)).status]).toEqual([method, path, status]);
    expect((await gh(sb, "GET", `/repos/acme/app/hooks/${id}`)).status).toBe(200);
    expect(sb.webhookDeliveries()).toHaveLength(1);
  });
});

describe("webhook deliveries", () => {
  it("lists deliveries newest first in cursor pages that follow the Link rel=next header", async () => {
    const { sb, rx } = await setUp();
    const id = await createHook(sb, rx.url);
    for (let n = 0; n < 7; n++) sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const seen: number[] = [];
    let next: string | undefined = `/repos/acme/app/hooks/${id}/deliveries?per_page=3`;
    const sizes: number[] = [];
    while (next !== undefined) {
      const page = await gh(sb, "GET", next);
      expect(page.status).toBe(200);
      const items = page.body as { id: number }[];
      sizes.push(items.length);
      seen.push(...items.map((d) => d.id));
      next = /<([^>]+)>; rel="next"/.exec(page.link ?? "")?.[1];
    }
    expect(sizes).toEqual([3, 3, 2]);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen)).toEqual(new Set(sb.webhookDeliveries().map((d) => d.id)));
    expect(((await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries?per_page=1000`)).body as unknown[]).length).toBe(8);
    expect((await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries?cursor=garbage`)).status).toBe(400);
  });

  it("filters deliveries by redelivery and by status class", async () => {
    const { sb, rx } = await setUp();
    const id = await createHook(sb, rx.url);
    rx.answer(503);
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    rx.answer(200);
    const failed = sb.webhookDeliveries().find((d) => d.event === "workflow_job");
    expect((await gh(sb, "POST", `/repos/acme/app/hooks/${id}/deliveries/${String(failed?.id)}/attempts`)).status).toBe(202);
    await sb.webhooksIdle();
    const list = async (q: string) => ((await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries?${q}`)).body as Record<string, unknown>[]).map((d) => [d.event, d.redelivery, d.status_code]);
    expect(await list("redelivery=true")).toEqual([["workflow_job", true, 200]]);
    expect(await list("redelivery=false")).toEqual([["workflow_job", false, 503], ["ping", false, 200]]);
    expect(await list("status=failure")).toEqual([["workflow_job", false, 503]]);
    expect(await list("status=success")).toEqual([["workflow_job", true, 200], ["ping", false, 200]]);
  });

  it("shows one delivery with the request it sent and the response it got", async () => {
    const { sb, rx } = await setUp();
    const id = await createHook(sb, rx.url);
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const sent = sb.webhookDeliveries().find((d) => d.event === "workflow_job");
    const one = await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries/${String(sent?.id)}`);
    const [received] = rx.jobEvents();
    expect(one).toMatchObject({
      status: 200,
      body: {
        id: sent?.id,
        guid: received?.guid,
        url: rx.url,
        installation_id: null,
        throttled_at: null,
        request: { headers: { "X-GitHub-Event": "workflow_job", "X-GitHub-Delivery": received?.guid }, payload: received?.payload },
        response: { headers: { "content-type": "text/plain" }, payload: "thanks" },
      },
    });
    expect((await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries/1`)).status).toBe(404);
  });

  it("drops deliveries older than 3 days of sandbox time and cannot redeliver them any more", async () => {
    const { sb, rx } = await setUp();
    const id = await createHook(sb, rx.url);
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const old = sb.webhookDeliveries().find((d) => d.event === "workflow_job");
    t += 3 * DAY_MS;
    expect(((await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries`)).body as unknown[]).length).toBe(2);
    t += 1;
    expect((await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries`)).body).toEqual([]);
    expect((await gh(sb, "GET", `/repos/acme/app/hooks/${id}/deliveries/${String(old?.id)}`)).status).toBe(404);
    expect((await gh(sb, "POST", `/repos/acme/app/hooks/${id}/deliveries/${String(old?.id)}/attempts`)).status).toBe(404);
    expect(sb.webhookDeliveries()).toEqual([]);
  });
});

describe("the sandbox's webhook controls", () => {
  it("sets faults at run time through PUT /_sandbox/webhooks/faults and shows them with the pending count", async () => {
    const { sb } = await setUp();
    const put = await gh(sb, "PUT", "/_sandbox/webhooks/faults", { lossRate: 0.25, delayMs: [5, 50], seed: 42 });
    const faults = { lossRate: 0.25, duplicateRate: 0, reorderRate: 0, delayMs: [5, 50], seed: 42, signature: "valid" };
    expect(put).toMatchObject({ status: 200, body: { faults } });
    expect(sb.webhookFaults()).toEqual(faults);
    expect((await gh(sb, "GET", "/_sandbox/webhooks")).body).toEqual({ faults, pending: 0 });
  });

  it("answers 422 listing every problem of a bad fault setting and keeps the old one", async () => {
    const { sb } = await setUp({ github: { webhooks: { duplicateRate: 0.5 } } });
    const res = await gh(sb, "PUT", "/_sandbox/webhooks/faults", { lossRate: 2, delayMs: [9, 1], signature: "bogus", loss: 1 });
    expect(res.status).toBe(422);
    expect((res.body as { errors: string[] }).errors).toHaveLength(4);
    expect(sb.webhookFaults().duplicateRate).toBe(0.5);
    expect(() => sb.setWebhookFaults({ reorderRate: -1 })).toThrow(/reorderRate must be a number from 0 to 1/);
  });

  it("refuses to start with every problem of bad webhook options named", async () => {
    await expect(startSandbox({ github: { webhooks: { lossRate: 3, timeoutMs: 0 } } })).rejects.toThrow(/timeoutMs must be a positive integer; lossRate must be a number from 0 to 1/);
  });

  it("keeps hooks and deliveries in the state file across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sandbox-webhooks-"));
    dirs.push(dir);
    const stateFile = join(dir, "state.json");
    const { sb, rx } = await setUp({ stateFile });
    const id = await createHook(sb, rx.url);
    sb.enqueueJob({ repository: "acme/app" });
    await sb.webhooksIdle();
    const before = sb.webhookDeliveries();
    await sb.close();

    sandbox = await startSandbox({ now: () => t, stateFile });
    expect((await gh(sandbox, "GET", `/repos/acme/app/hooks/${id}`)).status).toBe(200);
    expect(sandbox.webhookDeliveries()).toEqual(before);
    const original = before.find((d) => d.event === "workflow_job");
    expect((await gh(sandbox, "POST", `/repos/acme/app/hooks/${id}/deliveries/${String(original?.id)}/attempts`)).status).toBe(202);
    await sandbox.webhooksIdle();
    expect(rx.jobEvents().map((r) => r.guid)).toEqual([original?.guid, original?.guid]);
  });
});
