import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../../src/sandbox/index.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

interface Setup {
  sb: Sandbox;
  base: string;
  admin: string;
  queueUrl: string;
  queueToken: string;
  scaleSetId: number;
  sessionId: string;
}

const json = async (res: Response): Promise<Record<string, unknown>> => JSON.parse((await res.text()).replace(/^\uFEFF/, "")) as Record<string, unknown>;

/** A sandbox with a registered admin token and one scale set with an open session. */
async function setup(actions: NonNullable<SandboxOptions["github"]>["actions"] = {}): Promise<Setup> {
  const sb = await startSandbox({ github: { actions: { longPollMs: 50, ...actions } } });
  sandbox = sb;
  const reg = await json(await fetch(`${sb.githubUrl}/orgs/acme/actions/runners/registration-token`, { method: "POST", headers: { authorization: `Bearer ${sb.githubToken}` } }));
  const body = JSON.stringify({ url: `${sb.githubUrl}/acme`, runner_event: "register" });
  const conn = await json(await fetch(`${sb.githubUrl}/actions/runner-registration`, { method: "POST", headers: { authorization: `RemoteAuth ${String(reg.token)}` }, body }));
  const base = String(conn.url);
  const admin = String(conn.token);
  const api = (method: string, path: string, b?: unknown) =>
    fetch(`${base}${path}?api-version=6.0-preview`, { method, headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(b) }).then(json);
  const set = await api("POST", "_apis/runtime/runnerscalesets", { name: "os-linux", runnerGroupId: 1 });
  const session = await api("POST", `_apis/runtime/runnerscalesets/${String(set.id)}/sessions`, { ownerName: "h" });
  return { sb, base, admin, queueUrl: String(session.messageQueueUrl), queueToken: String(session.messageQueueAccessToken), scaleSetId: Number(set.id), sessionId: String(session.sessionId) };
}

const poll = (s: Setup) => fetch(s.queueUrl, { headers: { accept: "application/json; api-version=6.0-preview", authorization: `Bearer ${s.queueToken}` } });
const control = (s: Setup, method: string, path: string, body?: unknown) =>
  fetch(`${s.sb.githubUrl}/_sandbox/actions${path}`, { method, headers: { authorization: `token ${s.sb.githubToken}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe("Actions service faults over HTTP", () => {
  it("drops the connection of a long poll hit by a reset fault, and the next poll works", async () => {
    const s = await setup();
    s.sb.actions.fault({ route: "messages", kind: "reset", delayMs: 20 });
    await expect(poll(s)).rejects.toThrow();
    expect((await poll(s)).status).toBe(202);
  });

  it("answers a 503 with Retry-After armed through PUT /_sandbox/actions/faults and lists it at GET /_sandbox/actions", async () => {
    const s = await setup();
    const put = await control(s, "PUT", "/faults", { faults: [{ route: "messages", kind: "status", status: 503, retryAfterSeconds: 2, count: 2 }] });
    expect(put.status).toBe(200);
    expect(await json(await control(s, "GET", ""))).toMatchObject({ faults: [{ route: "messages", remaining: 2 }], scaleSets: [{ name: "os-linux" }], options: { longPollMs: 50 } });
    const res = await poll(s);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await json(res)).toMatchObject({ typeName: "VssServiceUnavailableException" });
  });

  it("rejects a malformed fault list with every problem named", async () => {
    const s = await setup();
    const res = await control(s, "PUT", "/faults", { faults: [{ route: "nowhere", kind: "status" }, { kind: "slow", delayMs: -1 }] });
    expect(res.status).toBe(422);
    expect((await json(res)).errors).toEqual([expect.stringMatching(/^faults\[0\]: route must be one of/), expect.stringMatching(/^faults\[1\]: delayMs/)]);
  });

  it("arms the faults given in the startSandbox options", async () => {
    const s = await setup({ faults: [{ route: "scalesets", method: "GET", kind: "status", status: 500 }] });
    const res = await fetch(`${s.base}_apis/runtime/runnerscalesets?api-version=6.0-preview`, { headers: { authorization: `Bearer ${s.admin}` } });
    expect(res.status).toBe(500);
    expect(await json(res)).toMatchObject({ typeName: "VssServiceException" });
  });

  it("answers an unknown path below the service with 404 in its {typeName, message} shape", async () => {
    const s = await setup();
    const res = await fetch(`${s.base}_apis/nothing-here?api-version=6.0-preview`, { headers: { authorization: `Bearer ${s.admin}` } });
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ typeName: "VssResourceNotFoundException", message: expect.any(String) });
  });
});

describe("Actions service controls over HTTP", () => {
  it("expires queue tokens (401) and kills sessions (404) through the control endpoints", async () => {
    const s = await setup();
    expect((await control(s, "POST", "/tokens/expire", { kind: "queue" })).status).toBe(200);
    expect((await poll(s)).status).toBe(401);
    expect(await json(await control(s, "POST", "/sessions/expire", { scaleSetId: s.scaleSetId }))).toEqual({ expiredSessions: 1 });
    expect((await poll(s)).status).toBe(404);
  });

  it("changes the options at run time and refuses unknown ones", async () => {
    const s = await setup();
    expect(await json(await control(s, "PATCH", "/options", { longPollMs: 10, bom: false }))).toMatchObject({ options: { longPollMs: 10, bom: false } });
    const res = await fetch(`${s.base}_apis/runtime/runnerscalesets?api-version=6.0-preview`, { headers: { authorization: `Bearer ${s.admin}` } });
    expect((await res.text()).startsWith("{")).toBe(true);
    expect((await control(s, "PATCH", "/options", { longPoll: 1 })).status).toBe(422);
  });

  it("answers the next registrations with 401 after POST /_sandbox/actions/registrations/fail", async () => {
    const s = await setup();
    await control(s, "POST", "/registrations/fail", { count: 1 });
    const reg = await json(await fetch(`${s.sb.githubUrl}/orgs/acme/actions/runners/registration-token`, { method: "POST", headers: { authorization: `Bearer ${s.sb.githubToken}` } }));
    const attempt = () =>
      fetch(`${s.sb.githubUrl}/actions/runner-registration`, { method: "POST", headers: { authorization: `RemoteAuth ${String(reg.token)}` }, body: JSON.stringify({ url: `${s.sb.githubUrl}/acme`, runner_event: "register" }) });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(201);
  });
});
