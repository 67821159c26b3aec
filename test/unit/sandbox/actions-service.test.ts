import { describe, expect, it } from "vitest";
import { ActionsHarness } from "./actions-harness.js";
import { findJitConfig } from "../../../src/sandbox/openstack-console.js";

const SETS = "_apis/runtime/runnerscalesets";

async function harness(options: ConstructorParameters<typeof ActionsHarness>[0] = {}): Promise<ActionsHarness> {
  const h = new ActionsHarness(options);
  await h.register("acme");
  return h;
}

describe("sessions", () => {
  it("lets a session lapse after sessionTimeoutMs without polls, freeing the scale set and answering 404 to the old one", async () => {
    const h = await harness({ actions: { sessionTimeoutMs: 10_000 } });
    const q = await h.scaleSetWithSession();
    expect((await h.api("POST", `${SETS}/${q.id}/sessions`, { ownerName: "standby" })).status).toBe(409);
    h.advance(10_000);
    expect((await h.poll(q)).status).toBe(404);
    expect((await h.api("POST", `${SETS}/${q.id}/sessions`, { ownerName: "standby" })).status).toBe(200);
  });

  it("drops every session on restart while scale sets and unacknowledged messages stay", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    const first = await h.poll(q, { ack: false });
    expect(h.side.actions.restart()).toBe(1);
    expect((await h.poll(q)).status).toBe(404);
    const session = (await h.api("POST", `${SETS}/${q.id}/sessions`, { ownerName: "again" })).json as Record<string, string>;
    const again = await h.poll({ queueUrl: session.messageQueueUrl ?? "", queueToken: session.messageQueueAccessToken ?? "" });
    expect(again.messageId).toBe(first.messageId);
  });

  it("offers a new session every job still waiting to be acquired, even when the old session acknowledged its offer", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    const [offer] = (await h.poll(q)).jobs;
    h.side.actions.restart();
    const session = (await h.api("POST", `${SETS}/${q.id}/sessions`, { ownerName: "again" })).json as Record<string, string>;
    const again = await h.poll({ queueUrl: session.messageQueueUrl ?? "", queueToken: session.messageQueueAccessToken ?? "" });
    expect(again.jobs).toEqual([expect.objectContaining({ messageType: "JobAvailable", runnerRequestId: offer?.runnerRequestId })]);
  });

  it("answers 401 once the queue tokens are expired and works again after a refresh", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    h.side.actions.expireTokens("queue");
    expect((await h.poll(q)).status).toBe(401);
    const refreshed = (await h.api("PATCH", `${SETS}/${q.id}/sessions/${q.sessionId}`)).json as { messageQueueAccessToken: string };
    expect((await h.poll({ ...q, queueToken: refreshed.messageQueueAccessToken })).status).toBe(202);
  });
});

describe("admin tokens", () => {
  it("puts the configured lifetime in the JWT's exp claim and refuses the token once it has passed", async () => {
    const h = await harness({ actions: { adminTokenLifetimeSeconds: 30 } });
    const claims = JSON.parse(Buffer.from(h.admin.split(".")[1] ?? "", "base64url").toString()) as { exp: number; iat: number };
    expect(claims.exp - claims.iat).toBe(30);
    expect((await h.api("GET", `${SETS}`)).status).toBe(200);
    h.advance(30_000);
    expect((await h.api("GET", `${SETS}`)).json).toMatchObject({ typeName: "VssUnauthorizedException" });
  });

  it("refuses revoked admin tokens while a fresh registration works", async () => {
    const h = await harness();
    h.side.actions.expireTokens("admin");
    expect((await h.api("GET", SETS)).status).toBe(401);
    await h.register("acme");
    expect((await h.api("GET", SETS)).status).toBe(200);
  });

  it("answers the first registrations with 401 when told to, then succeeds", async () => {
    const h = new ActionsHarness({ actions: { failFirstRegistrations: 1 } });
    expect((await h.register("acme")).status).toBe(401);
    expect((await h.register("acme")).status).toBe(201);
  });
});

describe("JIT runners", () => {
  it("removes a scale-set runner that never started after jitRunnerTtlMs and keeps a started one", async () => {
    const h = await harness({ actions: { jitRunnerTtlMs: 60_000 } });
    const q = await h.scaleSetWithSession();
    await h.api("POST", `${SETS}/${q.id}/generatejitconfig`, { name: "never" });
    await h.startRunner(q.id, "started");
    h.advance(60_000);
    expect(h.side.runners().map((r) => r.name)).toEqual(["started"]);
    expect((await h.api("GET", `${SETS}/${q.id}`)).json).toMatchObject({ statistics: { totalRegisteredRunners: 1, totalIdleRunners: 1 } });
  });
});

describe("JIT configs in user data", () => {
  it("finds the encodedJITConfig as ACTIONS_RUNNER_INPUT_JITCONFIG as well as run.sh --jitconfig, and the runner stays offline until then", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    const jit = (await h.api("POST", `${SETS}/${q.id}/generatejitconfig`, { name: "env-runner", workFolder: "" })).json as { encodedJITConfig: string };
    expect(h.side.runners().find((r) => r.name === "env-runner")).toMatchObject({ status: "offline" });
    const script = (line: string) => Buffer.from(`#!/bin/sh\n${line}\n`).toString("base64");
    expect(findJitConfig(script(`ACTIONS_RUNNER_INPUT_JITCONFIG="${jit.encodedJITConfig}" ./run.sh`))).toBe(jit.encodedJITConfig);
    expect(findJitConfig(script(`./run.sh --jitconfig ${jit.encodedJITConfig}`))).toBe(jit.encodedJITConfig);
    expect(h.side.hooks.runnerStarted("vm-env", jit.encodedJITConfig)).toBe(true);
    h.advance(1);
    expect(h.side.runners().find((r) => r.name === "env-runner")).toMatchObject({ status: "online" });
  });
});

describe("scale set deletion", () => {
  it("refuses to delete a scale set while one of its runners runs a job, and deletes it once the job is done", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"], durationMs: 1000 });
    h.advance(1);
    const offered = await h.poll(q);
    await h.acquire(q, [offered.jobs[0]?.runnerRequestId ?? 0]);
    await h.startRunner(q.id, "ss-busy");
    h.advance(1);
    const refused = await h.api("DELETE", `${SETS}/${q.id}`);
    expect(refused.status).toBe(409);
    expect((refused.json as { typeName: string }).typeName).toMatch(/JobStillRunningException/);
    expect(h.side.actions.scaleSets().map((s) => s.id)).toEqual([q.id]);
    h.advance(1000);
    expect((await h.api("DELETE", `${SETS}/${q.id}`)).status).toBe(204);
  });

  it("returns routed jobs to the REST runners when their scale set is deleted", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    const job = h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    expect((await h.api("DELETE", `${SETS}/${q.id}`)).status).toBe(204);
    const reg = await h.call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { auth: `token ${h.side.token}`, body: { name: "rest-1", runner_group_id: 1, labels: ["os-linux"] } });
    h.side.hooks.runnerStarted("vm-rest", (reg.json as { encoded_jit_config: string }).encoded_jit_config);
    h.advance(1);
    expect(h.side.jobs().find((j) => j.id === job.id)).toMatchObject({ status: "in_progress", runnerName: "rest-1" });
  });
});

describe("persistence", () => {
  it("keeps scale sets, routed jobs and messages across a snapshot and drops the sessions, as a service restart would", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    const snapshot = h.side.snapshot();
    h.side.restore(snapshot);
    expect((await h.poll(q)).status).toBe(404);
    expect((await h.api("GET", `${SETS}/${q.id}`)).json).toMatchObject({ name: "os-linux", statistics: { totalAvailableJobs: 1 } });
    const session = (await h.api("POST", `${SETS}/${q.id}/sessions`, { ownerName: "restored" })).json as Record<string, string>;
    const got = await h.poll({ queueUrl: session.messageQueueUrl ?? "", queueToken: session.messageQueueAccessToken ?? "" });
    expect(got.jobs.map((j) => j.messageType)).toEqual(["JobAvailable"]);
  });
});

describe("faults and controls", () => {
  it("answers a status fault on the named route with Retry-After in the service's error shape, then recovers", async () => {
    const h = await harness();
    h.side.actions.fault({ route: "scalesets", kind: "status", status: 429, retryAfterSeconds: 7 });
    const limited = await h.api("GET", SETS);
    expect(limited).toMatchObject({ status: 429, headers: { "Retry-After": "7" }, json: { typeName: expect.stringMatching(/Exception$/) } });
    expect((await h.api("GET", SETS)).status).toBe(200);
  });

  it("drops the connection of a poll hit by a reset fault", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    h.side.actions.fault({ route: "messages", kind: "reset" });
    const res = await h.side.routes.find((r) => r.method === "GET" && r.pattern.endsWith("/messagequeues/{sessionId}"))?.handle({
      method: "GET", path: "", params: { sessionId: q.sessionId }, query: new URLSearchParams(), headers: {}, body: undefined, rawBody: "",
    });
    expect(res).toMatchObject({ reset: true });
  });

  it("rejects a malformed fault listing every problem", () => {
    const h = new ActionsHarness();
    expect(() => h.side.actions.fault({ route: "nope" as "messages", kind: "boom" as "reset", status: 200 })).toThrow(/route must be one of.*kind must be.*status must be/);
  });

  it("reports each scale set with its session, declared capacity, queue and statistics", async () => {
    const h = await harness();
    const q = await h.scaleSetWithSession();
    await h.poll(q, { capacity: 4 });
    expect(h.side.actions.scaleSets()).toEqual([
      expect.objectContaining({ id: q.id, scope: "orgs/acme", name: "os-linux", session: expect.objectContaining({ sessionId: q.sessionId, maxCapacity: 4 }), queue: { outbox: 0, unacknowledged: 0 } }),
    ]);
  });
});
