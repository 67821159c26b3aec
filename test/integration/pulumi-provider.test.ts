import { afterEach, describe, expect, it } from "vitest";
import { operationProvider, poolProvider } from "../../src/pulumi/provider-entry.js";
import type { OperationInputs, OperationOutputs } from "../../src/pulumi/operation-provider.js";
import type { PoolInputs, PoolOutputs } from "../../src/pulumi/pool-inputs.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { poolInputsFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

// The dynamic providers' methods called directly, as the engine's provider process calls them,
// against the sandbox over HTTP.

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function sandbox(options: Parameters<typeof startFastSandbox>[0] = {}): Promise<Sandbox> {
  sb = await startFastSandbox(options);
  return sb;
}



/** check, then create, as `pulumi up` does for a new pool. */
async function createPool(inputs: PoolInputs): Promise<PoolOutputs> {
  const checked = await poolProvider.check!({} as PoolInputs, inputs);
  expect(checked.failures).toEqual([]);
  return (await poolProvider.create(checked.inputs as PoolInputs)).outs as PoolOutputs;
}

/** check, then update. */
async function updatePool(olds: PoolOutputs, news: PoolInputs): Promise<PoolOutputs> {
  const checked = await poolProvider.check!(olds, news);
  expect(checked.failures).toEqual([]);
  return (await poolProvider.update!(olds.prefix, olds, checked.inputs as PoolInputs)).outs as PoolOutputs;
}

/** The pool's servers that are not being deleted. */
const live = (s: Sandbox) => s.servers().filter((v) => v.name.startsWith("pool-") && v.taskState !== "deleting");
const vms = (s: Sandbox) => live(s).filter((v) => v.status !== "SHUTOFF");
const online = (s: Sandbox) => s.githubRunners().filter((r) => r.name.startsWith("pool-") && r.status === "online").length;

describe("the runner pool provider", () => {
  it("reports every bad input as a check failure naming its field", async () => {
    const s = await sandbox();
    const result = await poolProvider.check!({} as PoolInputs, poolInputsFor(s, { prefix: "Bad!", runners: -1, github: { path: "a/b/c" } }));
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["github", "prefix", "runners"]);
    expect(result.failures?.find((f) => f.property === "github")?.reason).toMatch(/'a\/b\/c' is not a GitHub path/);
  });

  it("looks the flavor up at check time and lists what exists", async () => {
    const s = await sandbox();
    const result = await poolProvider.check!({} as PoolInputs, poolInputsFor(s, { flavor: "m1.huge" }));
    expect(result.failures).toEqual([{ property: "flavor", reason: expect.stringMatching(/flavor 'm1\.huge' not found.*available: .*m1\.small/) }]);
    expect(s.servers()).toEqual([]);
  });

  it("resolves names only when they changed, so checking an unchanged pool makes no API call", async () => {
    const s = await sandbox();
    const inputs = poolInputsFor(s);
    const first = await poolProvider.check!({} as PoolInputs, inputs);
    s.resetRequests();
    await poolProvider.check!(first.inputs as PoolInputs, inputs);
    expect(s.requests()).toEqual([]);
    await poolProvider.check!(first.inputs as PoolInputs, { ...inputs, flavor: "m1.large" });
    expect(s.requests("compute").length).toBeGreaterThan(0);
  });

  it("skips values Pulumi does not know yet during preview", async () => {
    const s = await sandbox();
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const result = await poolProvider.check!({} as PoolInputs, poolInputsFor(s, { network: unknown }));
    expect(result.failures).toEqual([]);
  });

  it("creates the desired runners and waits until they are online when asked", async () => {
    const s = await sandbox();
    const outs = await createPool(poolInputsFor(s, { runners: 3, waitFor: "online" }));
    expect(outs.observed).toEqual({ total: 3, idle: 3, busy: 0, offline: 0 });
    expect(outs.runnerNames).toHaveLength(3);
    expect(outs.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(online(s)).toBe(3);
  });

  it("reads consumed runners as drift so that the next update replenishes them", async () => {
    const s = await sandbox();
    const outs = await createPool(poolInputsFor(s, { runners: 2, waitFor: "online" }));
    s.enqueueJob({ repository: "acme/app", durationMs: 20 });
    await waitFor("a runner consumed", () => s.servers().some((v) => v.status === "SHUTOFF"));
    const read = await poolProvider.read!(outs.prefix, outs);
    const refreshed = read.props as PoolOutputs;
    expect(refreshed.observed.total).toBe(1);
    const diff = await poolProvider.diff!(outs.prefix, refreshed, outs);
    expect(diff.changes).toBe(true);
    const replenished = await updatePool(refreshed, outs);
    expect(replenished.observed.total).toBe(2);
  });

  it("scales down without deleting a busy runner", async () => {
    const s = await sandbox({ github: { busyLagMs: 60_000 } });
    const outs = await createPool(poolInputsFor(s, { runners: 3, waitFor: "online" }));
    s.enqueueJob({ repository: "acme/app", durationMs: 1500 });
    await waitFor("a job running", () => s.jobs().some((j) => j.status === "in_progress"));
    const down = await updatePool(outs, poolInputsFor(s, { runners: 0 }));
    expect(down.observed.total).toBe(1);
    await waitFor("the job done", () => s.jobs()[0]?.status === "completed", 10_000);
    expect(s.jobs()[0]?.conclusion).toBe("success");
  });

  it("rolls a new flavor out to idle runners and leaves the busy one to finish", async () => {
    const s = await sandbox();
    const outs = await createPool(poolInputsFor(s, { runners: 2, waitFor: "online" }));
    s.enqueueJob({ repository: "acme/app", durationMs: 1500 });
    await waitFor("a job running", () => s.jobs().some((j) => j.status === "in_progress"));
    const busyVm = s.jobs()[0]?.vmId;
    const rolled = await updatePool(outs, poolInputsFor(s, { runners: 2, flavor: "m1.medium" }));
    expect(rolled.fingerprint).not.toBe(outs.fingerprint);
    expect(s.servers().some((v) => v.id === busyVm)).toBe(true);
    const fresh = live(s).filter((v) => v.id !== busyVm);
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    expect(fresh.every((v) => v.metadata["runner-fleet:fingerprint"] === rolled.fingerprint)).toBe(true);
    await waitFor("the job done", () => s.jobs()[0]?.status === "completed", 10_000);
    expect(s.jobs()[0]?.conclusion).toBe("success");
  });

  it("reports a partial creation as an error that says what exists, keeping the resource", async () => {
    const s = await sandbox({ quota: { instances: 2 } });
    const checked = await poolProvider.check!({} as PoolInputs, poolInputsFor(s, { runners: 4 }));
    const error = await poolProvider.create(checked.inputs as PoolInputs).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ id: "pool", properties: { observed: { total: 2 } } });
    expect(String((error as Error).message)).toMatch(/could not create 2 runners \(2× Nova POST \/servers failed \(403\): Quota exceeded.*\); the fleet has 2 of 4 runners$/);
  });

  it("drains on destroy: waits for the busy runner's job, then leaves nothing", async () => {
    const s = await sandbox();
    const outs = await createPool(poolInputsFor(s, { runners: 2, waitFor: "online", destroyPolicy: { mode: "drain", timeoutSeconds: 20 } }));
    s.enqueueJob({ repository: "acme/app", durationMs: 1000 });
    await waitFor("a job running", () => s.jobs().some((j) => j.status === "in_progress"));
    await poolProvider.delete!(outs.prefix, outs);
    expect(s.jobs()[0]?.conclusion).toBe("success");
    await waitFor("no VM left", () => vms(s).length === 0 && s.servers().filter((v) => v.name.startsWith("pool-")).length === 0);
    expect(s.githubRunners().filter((r) => r.name.startsWith("pool-"))).toEqual([]);
  });

  it("forces on destroy: kills the running job and leaves nothing", async () => {
    const s = await sandbox();
    const outs = await createPool(poolInputsFor(s, { runners: 1, waitFor: "online", destroyPolicy: { mode: "force", timeoutSeconds: 0 } }));
    s.enqueueJob({ repository: "acme/app", durationMs: 60_000 });
    await waitFor("a job running", () => s.jobs().some((j) => j.status === "in_progress"));
    await poolProvider.delete!(outs.prefix, outs);
    expect(s.jobs()[0]?.conclusion).toBe("failure");
    expect(s.githubRunners().filter((r) => r.name.startsWith("pool-"))).toEqual([]);
  });
});

describe("the flush and cleanup operation provider", () => {
  it("runs nothing when created, runs once per new trigger, and records the result", async () => {
    const s = await sandbox();
    const pool = await createPool(poolInputsFor(s, { runners: 2, waitFor: "online" }));
    const base: OperationInputs = { kind: "flush", mode: "idle", trigger: "", pool };
    const created = (await operationProvider.create(base)).outs as OperationOutputs;
    expect(created.lastRun).toBeUndefined();
    const before = pool.runnerNames;
    const triggered = { ...base, trigger: "2026-11-27T12:00:00Z" };
    expect((await operationProvider.diff!("op", created, triggered)).changes).toBe(true);
    const ran = (await operationProvider.update!("op", created, triggered)).outs as OperationOutputs;
    expect(ran.lastRun).toMatchObject({ trigger: triggered.trigger, kind: "flush", mode: "idle", deletedVms: 2, created: 2 });
    const names = live(s).map((v) => v.name);
    expect(names.some((n) => before.includes(n))).toBe(false);
    const again = (await operationProvider.update!("op", ran, triggered)).outs as OperationOutputs;
    expect(again.lastRun).toEqual(ran.lastRun);
    expect((await operationProvider.diff!("op", ran, triggered)).changes).toBe(false);
    const busyMode = { ...triggered, mode: "busy" as const };
    const recorded = (await operationProvider.update!("op", ran, busyMode)).outs as OperationOutputs;
    expect(recorded).toMatchObject({ mode: "busy", lastRun: ran.lastRun });
  });

  it("rejects an unknown flush mode at check time", async () => {
    const s = await sandbox();
    const result = await operationProvider.check!({} as OperationInputs, { kind: "flush", mode: "everything" as "idle", trigger: "x", pool: poolInputsFor(s) });
    expect(result.failures).toEqual([{ property: "mode", reason: "mode must be idle or busy, got 'everything'" }]);
  });
});
