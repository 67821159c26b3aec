/**
 * `runner-fleet serve` with scale-set demand through every failure of the reference's §2, each
 * injected into the sandbox's Actions service over real HTTP: an expired queue token, an admin
 * token refused and one close to expiry, an acknowledgement that failed (redelivery), 429/5xx and
 * a reset on the long poll, a service restart, an assignment no runner took, a runner that never
 * boots, a busy runner asked to leave, a name already registered. (The 409 of a second session is
 * serve-scale-set.test.ts's standby test.) After each: the jobs ran, and no job started a second VM.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScaleSetAdapters, type ScaleSetAdapters } from "../../src/github/scale-set-adapters.js";
import { validateSpec } from "../../src/manager/spec.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { validateServeConfig } from "../../src/serve/config.js";
import { type RunningServe, startServe } from "../../src/serve/service.js";
import { freePort } from "../support/free-port.js";
import { specFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

const PREFIX = "ssf";
const SCALE_SET = "ssf-linux";
let sandbox: Sandbox;
let dir: string;
let service: RunningServe;
let adapters: ScaleSetAdapters;

const fleetVms = () => sandbox.servers().filter((s) => s.name.startsWith(`${PREFIX}-`) && s.taskState !== "deleting" && s.status !== "DELETED");
const fleetRunners = () => sandbox.githubRunners().filter((r) => r.name.startsWith(`${PREFIX}-`));
const scaleSet = () => sandbox.actions.scaleSets().find((s) => s.name === SCALE_SET);
const sessionId = () => scaleSet()?.session?.sessionId;
const creations = () => sandbox.requests("compute").filter((r) => r.method === "POST" && /\/servers$/.test(r.path) && r.status === 202).length;
const calls = (pattern: RegExp, status?: number) => sandbox.requests("github").filter((r) => pattern.test(`${r.method} ${r.path}`) && (status === undefined || r.status === status)).length;

/** Queues `n` jobs and waits until every one has completed with success. */
async function runJobs(n: number, durationMs = 300): Promise<void> {
  const ids = Array.from({ length: n }, () => sandbox.enqueueJob({ repository: "acme/app", durationMs }).id);
  const mine = () => sandbox.jobs().filter((j) => ids.includes(j.id));
  await waitFor(`${n} jobs completed`, () => mine().every((j) => j.status === "completed"), 60_000);
  expect(mine().map((j) => j.conclusion)).toStrictEqual(ids.map(() => "success"));
}

/** Runs `n` jobs after `fault` and expects exactly one new VM per job: nothing was created twice. */
async function ridesOut(n: number, fault: () => void | Promise<void>): Promise<void> {
  await waitFor("the fleet drained to its floor of 0", () => fleetVms().length === 0 && fleetRunners().length === 0, 30_000);
  const before = creations();
  await fault();
  await runJobs(n);
  expect(creations() - before).toBe(n);
}

beforeAll(async () => {
  sandbox = await startFastSandbox({ github: { actions: { longPollMs: 200, assignmentTimeoutMs: 10_000 } } });
  dir = await mkdtemp(join(tmpdir(), "rf-serve-ssf-"));
  const spec = validateSpec(specFor(sandbox, { prefix: PREFIX, graceSeconds: 1 }), {});
  const config = validateServeConfig(
    { autoscale: { minIdle: 0, max: 6, idleTimeoutSeconds: 1, scaleSet: { name: SCALE_SET } }, serve: { id: "f", listen: `127.0.0.1:${await freePort()}`, store: join(dir, "f.sqlite"), tickSeconds: 1, reconcileSeconds: 5 } },
    PREFIX,
    {},
  );
  service = await startServe({ spec, config, env: {}, runtime: { retryAfterBaseMs: 5 }, logStream: { write: () => true } });
  await waitFor("the scale set's session", () => sessionId(), 20_000);
  // A second client of the same scale set, as an operator's tooling would be.
  adapters = createScaleSetAdapters({ auth: { token: sandbox.githubToken }, apiUrl: sandbox.githubUrl, path: { kind: "repo", owner: "acme", repo: "app" }, scaleSetName: SCALE_SET, actionsRetry: { minDelayMs: 5 } });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("serve with the scale-set source through the failures of the Actions service", () => {
  it("refreshes the session in place when the queue token expires mid-poll, and the jobs run", async () => {
    const held = sessionId();
    await ridesOut(2, () => sandbox.actions.expireTokens("queue"));
    expect(calls(/^PATCH .*\/sessions\//, 200)).toBeGreaterThanOrEqual(1);
    expect(sessionId()).toBe(held);
  });

  it("runs the token chain again when the service refuses the admin token", async () => {
    const registrations = calls(/^POST \/actions\/runner-registration$/, 201);
    await ridesOut(2, () => sandbox.actions.expireTokens("admin"));
    expect(calls(/^POST \/actions\/runner-registration$/, 201)).toBeGreaterThan(registrations);
  });

  it("renews an admin token with less than 60 s left before using it, so the service never refuses it", async () => {
    // A 61 s token has < 60 s left a second after it is issued: every later admin call renews first.
    sandbox.actions.configure({ adminTokenLifetimeSeconds: 61 });
    sandbox.actions.expireTokens("admin");
    await runJobs(1);
    const registrations = calls(/^POST \/actions\/runner-registration$/, 201);
    const refused = calls(/_apis\//, 401);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await ridesOut(2, () => undefined);
    expect(calls(/^POST \/actions\/runner-registration$/, 201)).toBeGreaterThan(registrations);
    expect(calls(/_apis\//, 401)).toBe(refused);
    sandbox.actions.configure({ adminTokenLifetimeSeconds: 3600 });
  });

  it("handles a message whose acknowledgement failed again when it is redelivered, and no job starts a second runner", async () => {
    // Five 500s outlast the transport's four retries, so the listener sees the failure and polls again.
    await ridesOut(3, () => sandbox.actions.fault({ route: "deleteMessage", kind: "status", status: 500, count: 5 }));
    expect(calls(/^DELETE .*\/messagequeues\/[^/]+\/\d+$/, 500)).toBeGreaterThanOrEqual(5);
    expect(sandbox.actions.faults()).toStrictEqual([]);
  });

  it("retries 429, 503 and a connection reset on the long poll, and the jobs run", async () => {
    await ridesOut(2, () => {
      sandbox.actions.fault({ route: "messages", kind: "status", status: 429, retryAfterSeconds: 1 });
      sandbox.actions.fault({ route: "messages", kind: "status", status: 503, count: 2 });
      sandbox.actions.fault({ route: "messages", kind: "reset", delayMs: 50 });
    });
    expect(sandbox.actions.faults()).toStrictEqual([]);
  });

  it("opens a new session after a service restart dropped its own, and jobs queued around the restart all run", async () => {
    await waitFor("the fleet drained to its floor of 0", () => fleetVms().length === 0 && fleetRunners().length === 0, 30_000);
    const held = sessionId();
    const before = creations();
    const early = sandbox.enqueueJob({ repository: "acme/app", durationMs: 300 });
    expect(sandbox.actions.restart()).toBe(1);
    await runJobs(2);
    await waitFor("the job queued before the restart completed", () => sandbox.jobs().find((j) => j.id === early.id)?.status === "completed", 60_000);
    expect(sandbox.jobs().find((j) => j.id === early.id)?.conclusion).toBe("success");
    expect(creations() - before).toBe(3);
    expect(sessionId()).toBeDefined();
    expect(sessionId()).not.toBe(held);
  });

  it("lets the service cancel an assignment no runner took in time and offer it again; the job runs on one VM", async () => {
    sandbox.actions.configure({ assignmentTimeoutMs: 1500 });
    const before = creations();
    // The VM's creation is held past the assignment timeout: GitHub cancels and re-offers the job.
    sandbox.fault({ service: "compute", method: "POST", path: "/servers$", kind: "latency", latencyMs: 2500 });
    const job = sandbox.enqueueJob({ repository: "acme/app", durationMs: 300 });
    await waitFor("the job completed", () => sandbox.jobs().find((j) => j.id === job.id)?.status === "completed", 60_000);
    expect(sandbox.jobs().find((j) => j.id === job.id)?.conclusion).toBe("success");
    expect(calls(/^POST .*\/acquirejobs$/, 200)).toBeGreaterThanOrEqual(2);
    expect(creations() - before).toBe(1);
    sandbox.actions.configure({ assignmentTimeoutMs: 10_000 });
  });

  it("removes the registration of a runner whose VM never boots, and another runner runs the job", async () => {
    await waitFor("the fleet drained", () => fleetVms().length === 0 && fleetRunners().length === 0, 30_000);
    const before = creations();
    sandbox.failNextServers(1);
    await runJobs(1);
    expect(creations() - before).toBe(2);
    await waitFor("no registration left without a VM", () => fleetRunners().every((r) => r.vmId !== undefined) && fleetVms().every((s) => s.status !== "ERROR"), 30_000);
  });

  it("is told a busy runner is still running its job and leaves it alone; the job finishes", async () => {
    const job = sandbox.enqueueJob({ repository: "acme/app", durationMs: 2000 });
    const busy = await waitFor("a busy runner", () => fleetRunners().find((r) => sandbox.jobs().find((j) => j.id === job.id)?.runnerName === r.name), 30_000);
    expect(await adapters.platform.deleteRunner(busy.id)).toBe("busy");
    await waitFor("the job completed", () => sandbox.jobs().find((j) => j.id === job.id)?.status === "completed", 30_000);
    expect(sandbox.jobs().find((j) => j.id === job.id)?.conclusion).toBe("success");
  });

  it("frees a name already registered in the fleet's scale set and registers it again", async () => {
    const first = await adapters.platform.createJitRunner(`${PREFIX}-reused`, []);
    const second = await adapters.platform.createJitRunner(`${PREFIX}-reused`, []);
    expect(second.runner.id).not.toBe(first.runner.id);
    expect(sandbox.githubRunners().filter((r) => r.name === `${PREFIX}-reused`).map((r) => r.id)).toStrictEqual([second.runner.id]);
    expect(await adapters.platform.deleteRunner(second.runner.id)).toBe("deleted");
  });

  it("leaves nothing behind once the jobs are done: no VM, no registration, one session", async () => {
    await waitFor("the fleet drained to its floor of 0", () => fleetVms().length === 0 && fleetRunners().length === 0, 30_000);
    expect(sandbox.actions.scaleSets().filter((s) => s.name === SCALE_SET)).toHaveLength(1);
    expect(scaleSet()?.session).not.toBeNull();
    expect(sandbox.jobs().filter((j) => j.status !== "completed")).toStrictEqual([]);
  });
});
