/**
 * The runner scale set API's wire format, written from ../../shared/reference/github-demand-apis.md
 * §1–§2 with raw `fetch` (no client code), so any implementation of the service can be put under
 * it: the target (./actions-target.ts) supplies the URLs and the few controls a real service lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openActionsTarget, ScaleSetWire, type JobMsg, type Session } from "./actions-target.js";

let target: Awaited<ReturnType<typeof openActionsTarget>>;
let w: ScaleSetWire;
let unique = 0;
const name = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(unique += 1)}`;

beforeAll(async () => {
  target = await openActionsTarget();
  w = await ScaleSetWire.open(target, "acme");
});
afterAll(() => target.close());

const call = (...args: Parameters<ScaleSetWire["call"]>) => w.call(...args);
const poll = (...args: Parameters<ScaleSetWire["poll"]>) => w.poll(...args);
const ack = (s: Session, messageId: unknown) => w.ack(s, messageId);
const collect = (s: Session, done: (jobs: JobMsg[]) => boolean) => w.collect(s, done);
/** The next message after `lastMessageId`, polling again while the window passes with nothing (202). */
async function message(s: Session, lastMessageId = 0): Promise<Awaited<ReturnType<ScaleSetWire["poll"]>>> {
  for (let i = 0; i < 50; i += 1) {
    const res = await poll(s, { lastMessageId });
    if (res.status !== 202) return res;
  }
  throw new Error("no message arrived");
}
const has = (type: string, n = 1) => (jobs: JobMsg[]) => jobs.filter((j) => j.messageType === type).length >= n;

async function createScaleSet(labels?: string[]): Promise<Record<string, unknown> & { id: number; name: string }> {
  const body = { name: name("ss"), runnerGroupId: 1, ...(labels ? { labels: labels.map((l) => ({ type: "System", name: l })) } : {}), RunnerSetting: { disableUpdate: true } };
  const created = await call("POST", "_apis/runtime/runnerscalesets", { body });
  expect(created.status).toBe(200);
  return created.json as Record<string, unknown> & { id: number; name: string };
}

async function openSession(id: number): Promise<Session> {
  const res = await call("POST", `_apis/runtime/runnerscalesets/${id}/sessions`, { body: { ownerName: "contract-host" } });
  expect(res.status).toBe(200);
  return w.sessionOf(id, res.json);
}

describe("token chain (§1.2)", () => {
  it.each([
    ["a repository", "acme/app", "repos/acme/app"],
    ["an organization", "acme", "orgs/acme"],
    ["an enterprise", "enterprises/big", "enterprises/big"],
  ])("trades a registration token of %s for the service URL and an admin JWT with a real exp", async (_what, configPath, scope) => {
    const reg = await w.registrationToken(scope);
    expect(reg.status).toBe(201);
    expect(reg.json).toEqual(expect.objectContaining({ token: expect.any(String), expires_at: expect.any(String) }));
    const answer = await w.runnerRegistration(`RemoteAuth ${String(reg.json?.token)}`, target.configUrl(configPath));
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(300);
    expect(String(answer.json?.url)).toMatch(/^https?:\/\/.+\/$/);
    const [, payload = ""] = String(answer.json?.token).split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp: unknown };
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it("refuses runner-registration without RemoteAuth, with an unknown token, and for a config URL of another scope", async () => {
    expect((await w.runnerRegistration(undefined, target.configUrl("acme"))).status).toBe(401);
    expect((await w.runnerRegistration("RemoteAuth AAAAAAAAAAAAAAAAAAAAAAAAAAAAA", target.configUrl("acme"))).status).toBe(401);
    const reg = await w.registrationToken("orgs/acme");
    const other = await w.runnerRegistration(`RemoteAuth ${String(reg.json?.token)}`, target.configUrl("someone-else"));
    expect(other.status).toBeGreaterThanOrEqual(400);
    expect(other.status).toBeLessThan(500);
  });
});

describe("service conventions (§1.2.5–§1.2.7)", () => {
  it("answers 400 with a typeName when api-version is missing", async () => {
    const res = await call("GET", "_apis/runtime/runnergroups/?groupName=default", { apiVersion: false });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(expect.objectContaining({ typeName: expect.stringMatching(/Exception$/), message: expect.any(String) }));
  });

  it("prefixes JSON bodies with a UTF-8 BOM", async () => {
    const res = await call("GET", "_apis/runtime/runnergroups/?groupName=default");
    expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
  });

  it("answers errors as {typeName, message} with ActivityId and X-GitHub-Request-Id headers", async () => {
    const res = await call("GET", "_apis/runtime/runnerscalesets/987654321");
    expect(res.status).toBe(404);
    expect(res.json).toEqual(expect.objectContaining({ typeName: expect.stringMatching(/Exception$/), message: expect.any(String) }));
    expect(res.headers.get("activityid")).toBeTruthy();
    expect(res.headers.get("x-github-request-id")).toBeTruthy();
  });

  it("refuses calls without a token, admin calls with the queue token and acquirejobs with the admin token", async () => {
    const s = await openSession((await createScaleSet()).id);
    expect((await call("GET", "_apis/runtime/runnerscalesets", { token: null })).status).toBe(401);
    expect((await call("GET", `_apis/runtime/runnerscalesets/${s.id}`, { token: s.token })).status).toBe(401);
    expect((await call("POST", `_apis/runtime/runnerscalesets/${s.id}/acquirejobs`, { body: [1] })).status).toBe(401);
    expect((await call("POST", `_apis/runtime/runnerscalesets/${s.id}/acquirejobs`, { body: [1], token: s.token })).json).toEqual({ count: 0, value: [] });
  });
});

describe("runner groups and scale sets (§1.3–§1.4)", () => {
  it("finds the default runner group as id 1 in a {count, value} envelope", async () => {
    const res = await call("GET", "_apis/runtime/runnergroups/?groupName=default");
    expect(res.json).toEqual({ count: 1, value: [expect.objectContaining({ id: 1, name: "default", isDefaultGroup: true })] });
  });

  it("creates a scale set with 200, the RunnerSetting key and default System labels, and finds and gets it", async () => {
    const created = await createScaleSet();
    expect(created).toEqual(expect.objectContaining({ runnerGroupId: 1, labels: [{ type: "System", name: created.name }], RunnerSetting: expect.objectContaining({ disableUpdate: true }) }));
    expect(created).not.toHaveProperty("runnerSetting");
    const found = await call("GET", `_apis/runtime/runnerscalesets?runnerGroupId=1&name=${created.name}`);
    expect(found.json).toEqual({ count: 1, value: [expect.objectContaining({ id: created.id, name: created.name })] });
    expect((await call("GET", `_apis/runtime/runnerscalesets?runnerGroupId=1&name=${name("none")}`)).json).toEqual({ count: 0, value: [] });
    expect((await call("GET", `_apis/runtime/runnerscalesets/${created.id}`)).json).toEqual(expect.objectContaining({ id: created.id, statistics: expect.any(Object) }));
  });

  it("refuses a second scale set with the same name in the same runner group", async () => {
    const created = await createScaleSet();
    const again = await call("POST", "_apis/runtime/runnerscalesets", { body: { name: created.name, runnerGroupId: 1 } });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.json).toEqual(expect.objectContaining({ typeName: expect.stringMatching(/Exception$/) }));
  });

  it("updates a scale set with PATCH (200) and deletes it with 204, after which it is gone", async () => {
    const created = await createScaleSet();
    const patched = await call("PATCH", `_apis/runtime/runnerscalesets/${created.id}`, { body: { labels: [{ type: "System", name: "extra" }] } });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual(expect.objectContaining({ id: created.id, name: created.name, labels: [{ type: "System", name: "extra" }] }));
    const deleted = await call("DELETE", `_apis/runtime/runnerscalesets/${created.id}`);
    expect(deleted.status).toBe(204);
    expect((await call("GET", `_apis/runtime/runnerscalesets/${created.id}`)).status).toBe(404);
  });
});

describe("message sessions (§1.5)", () => {
  it("answers a session create with 200 and the session, its scale set, queue URL and token, and statistics", async () => {
    const set = await createScaleSet();
    const res = await call("POST", `_apis/runtime/runnerscalesets/${set.id}/sessions`, { body: { ownerName: "contract-host" } });
    expect(res.status).toBe(200);
    const stats = ["totalAvailableJobs", "totalAcquiredJobs", "totalAssignedJobs", "totalRunningJobs", "totalRegisteredRunners", "totalBusyRunners", "totalIdleRunners"];
    expect(res.json).toEqual(
      expect.objectContaining({
        sessionId: expect.any(String),
        ownerName: "contract-host",
        runnerScaleSet: expect.objectContaining({ id: set.id, name: set.name }),
        messageQueueUrl: expect.stringMatching(/^https?:\/\//),
        messageQueueAccessToken: expect.any(String),
        statistics: Object.fromEntries(stats.map((k) => [k, expect.any(Number)])),
      }),
    );
  });

  it("answers 409 to a second session until the first is deleted", async () => {
    const s = await openSession((await createScaleSet()).id);
    expect(s).toEqual(expect.objectContaining({ sessionId: expect.any(String), queueUrl: expect.stringMatching(/^https?:\/\//), token: expect.any(String) }));
    const second = await call("POST", `_apis/runtime/runnerscalesets/${s.id}/sessions`, { body: { ownerName: "standby" } });
    expect(second.status).toBe(409);
    expect((await call("DELETE", `_apis/runtime/runnerscalesets/${s.id}/sessions/${s.sessionId}`)).status).toBe(204);
    expect((await call("POST", `_apis/runtime/runnerscalesets/${s.id}/sessions`, { body: { ownerName: "standby" } })).status).toBe(200);
  });

  it("rotates the queue token on PATCH and refuses the old one with 401", async () => {
    const s = await openSession((await createScaleSet()).id);
    const refreshed = await call("PATCH", `_apis/runtime/runnerscalesets/${s.id}/sessions/${s.sessionId}`);
    expect(refreshed.status).toBe(200);
    const token = String(refreshed.json?.messageQueueAccessToken);
    expect(token).not.toBe(s.token);
    expect((await poll(s)).status).toBe(401);
    expect((await poll(s, { token })).status).toBe(202);
  });

  it("answers 404 for the old session after a service restart and lets a new one open", async () => {
    const s = await openSession((await createScaleSet()).id);
    await target.restart();
    expect((await poll(s)).status).toBe(404);
    expect((await call("PATCH", `_apis/runtime/runnerscalesets/${s.id}/sessions/${s.sessionId}`)).status).toBe(404);
    expect((await openSession(s.id)).sessionId).not.toBe(s.sessionId);
  });
});

describe("long poll and acknowledge (§1.6)", () => {
  it("answers 202 with no body when nothing arrives within the window", async () => {
    const s = await openSession((await createScaleSet()).id);
    const res = await poll(s);
    expect(res.status).toBe(202);
    expect(res.bytes.length).toBe(0);
  });

  it("redelivers an unacknowledged message until it is deleted, and lastMessageId skips past it", async () => {
    const set = await createScaleSet();
    const s = await openSession(set.id);
    await target.queueJobs("acme/app", [set.name]);
    const first = await message(s);
    expect((await poll(s)).json?.messageId).toBe(first.json?.messageId);
    await target.queueJobs("acme/app", [set.name]);
    const next = await message(s, Number(first.json?.messageId));
    expect(Number(next.json?.messageId)).toBeGreaterThan(Number(first.json?.messageId));
    expect((await poll(s)).json?.messageId).toBe(first.json?.messageId);
    expect((await ack(s, first.json?.messageId)).status).toBe(204);
    expect((await poll(s)).json?.messageId).toBe(next.json?.messageId);
  });

  it("carries body as a JSON string of at most 50 job messages, each message with statistics counting every job", async () => {
    const set = await createScaleSet();
    const s = await openSession(set.id);
    await target.queueJobs("acme/app", [set.name], 60);
    const seen: JobMsg[] = [];
    for (let i = 0; i < 50 && seen.length < 60; i += 1) {
      const res = await poll(s);
      if (res.status !== 200) continue;
      expect(res.json).toEqual(expect.objectContaining({ messageType: "RunnerScaleSetJobMessages", body: expect.any(String) }));
      const jobs = JSON.parse(String(res.json?.body)) as JobMsg[];
      expect(jobs.length).toBeLessThanOrEqual(50);
      expect(res.json?.statistics).toEqual(expect.objectContaining({ totalAvailableJobs: 60, totalAssignedJobs: 0 }));
      seen.push(...jobs);
      await ack(s, res.json?.messageId);
    }
    expect(seen).toHaveLength(60);
    expect(seen.every((j) => j.messageType === "JobAvailable" && typeof j.jobId === "string" && typeof j.acquireJobUrl === "string")).toBe(true);
  });
});

describe("acquire jobs and JIT runners (§1.8–§1.9)", () => {
  it("acquires only the ids it can, ignoring unknown ones, and then sends JobAssigned", async () => {
    const set = await createScaleSet();
    const s = await openSession(set.id);
    await target.queueJobs("acme/app", [set.name]);
    const [offer] = await collect(s, has("JobAvailable"));
    const ids = [offer?.runnerRequestId ?? 0, 987654321];
    const acquired = await call("POST", `_apis/runtime/runnerscalesets/${s.id}/acquirejobs`, { body: ids, token: s.token });
    expect(acquired.json).toEqual({ count: 1, value: [offer?.runnerRequestId] });
    const [assigned] = await collect(s, has("JobAssigned"));
    expect(assigned).toEqual(expect.objectContaining({ runnerRequestId: offer?.runnerRequestId, jobId: offer?.jobId }));
  });

  it("answers AgentExistsException for a taken runner name and finds the runner by id and by name", async () => {
    const set = await createScaleSet();
    const runnerName = name("runner");
    const jit = await call("POST", `_apis/runtime/runnerscalesets/${set.id}/generatejitconfig`, { body: { name: runnerName, workFolder: "_work" } });
    expect(jit.status).toBe(200);
    expect(jit.json).toEqual({ runner: expect.objectContaining({ id: expect.any(Number), name: runnerName, runnerScaleSetId: set.id }), encodedJITConfig: expect.any(String) });
    const again = await call("POST", `_apis/runtime/runnerscalesets/${set.id}/generatejitconfig`, { body: { name: runnerName, workFolder: "_work" } });
    expect(again.json?.typeName).toMatch(/AgentExistsException/);
    const id = (jit.json?.runner as { id: number }).id;
    expect((await call("GET", `_apis/distributedtask/pools/0/agents/${id}`)).json).toEqual(expect.objectContaining({ id, name: runnerName, runnerScaleSetId: set.id }));
    expect((await call("GET", `_apis/distributedtask/pools/0/agents?agentName=${runnerName}`)).json).toEqual({ count: 1, value: [expect.objectContaining({ id })] });
  });

  it("runs an acquired job on a runner booted from its JIT config: JobStarted, JobStillRunningException, JobCompleted, then AgentNotFoundException", async () => {
    const set = await createScaleSet();
    const s = await openSession(set.id);
    await target.queueJobs("acme/app", [set.name], 1, 1500);
    const [offer] = await collect(s, has("JobAvailable"));
    await call("POST", `_apis/runtime/runnerscalesets/${s.id}/acquirejobs`, { body: [offer?.runnerRequestId], token: s.token });
    const jit = await call("POST", `_apis/runtime/runnerscalesets/${set.id}/generatejitconfig`, { body: { name: name("runner"), workFolder: "" } });
    const runner = jit.json?.runner as { id: number; name: string };
    await target.bootRunner(String(jit.json?.encodedJITConfig));
    const started = (await collect(s, has("JobStarted"))).find((j) => j.messageType === "JobStarted");
    expect(started).toEqual(expect.objectContaining({ runnerId: runner.id, runnerName: runner.name, jobId: offer?.jobId }));
    const busy = await call("DELETE", `_apis/distributedtask/pools/0/agents/${runner.id}`);
    expect(busy.json?.typeName).toMatch(/JobStillRunningException/);
    const completed = (await collect(s, has("JobCompleted"))).find((j) => j.messageType === "JobCompleted");
    expect(completed).toEqual(expect.objectContaining({ result: expect.any(String), runnerId: runner.id, jobId: offer?.jobId }));
    // The ephemeral runner leaves after its one job (§1.9).
    for (let i = 0; i < 100; i += 1) if ((await call("GET", `_apis/distributedtask/pools/0/agents/${runner.id}`)).status === 404) break;
    const gone = await call("DELETE", `_apis/distributedtask/pools/0/agents/${runner.id}`);
    expect(gone.json?.typeName).toMatch(/AgentNotFoundException/);
  });
});
