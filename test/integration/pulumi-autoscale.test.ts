import { afterEach, describe, expect, it } from "vitest";
import type { AutoscaleConfig } from "../../src/autoscale/config.js";
import { operationProvider, poolProvider } from "../../src/pulumi/provider-entry.js";
import type { OperationInputs, OperationOutputs } from "../../src/pulumi/operation-provider.js";
import type { PoolInputs, PoolOutputs } from "../../src/pulumi/pool-inputs.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { fleetOn, poolInputsFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

// The pool provider of an autoscaled fleet, its methods called directly against the sandbox. A
// second manager on the same prefix stands in for runner-fleet serve, starting and retiring runners.

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function sandbox(): Promise<Sandbox> {
  sb = await startFastSandbox();
  return sb;
}

/** A pool on `s` sized by demand (runners left out: the floor is minIdle), plus `overrides`. */
function autoscaled(s: Sandbox, autoscale: Partial<AutoscaleConfig>, overrides: Partial<PoolInputs> = {}): PoolInputs {
  return poolInputsFor(s, { runners: undefined, autoscale: { minIdle: 1, max: 5, ...autoscale } as AutoscaleConfig, waitFor: "online", ...overrides });
}

async function createPool(inputs: PoolInputs): Promise<PoolOutputs> {
  const checked = await poolProvider.check!({} as PoolInputs, inputs);
  expect(checked.failures).toEqual([]);
  return (await poolProvider.create(checked.inputs as PoolInputs)).outs as PoolOutputs;
}

async function updatePool(olds: PoolOutputs, news: PoolInputs): Promise<PoolOutputs> {
  const checked = await poolProvider.check!(olds, news);
  expect(checked.failures).toEqual([]);
  return (await poolProvider.update!(olds.prefix, olds, checked.inputs as PoolInputs)).outs as PoolOutputs;
}

/** What runner-fleet serve would do: start `n` runners of the same configuration and wait until they are online. */
async function serveStarts(s: Sandbox, n: number): Promise<void> {
  const before = online(s);
  await fleetOn(s, { prefix: "pool" }).manager.createRunners(n);
  await waitFor(`${n} more runners online`, () => online(s) === before + n);
}

/** The pool's VMs that are neither being deleted nor powered off. */
const vms = (s: Sandbox) => s.servers().filter((v) => v.name.startsWith("pool-") && v.taskState !== "deleting" && v.status !== "SHUTOFF");
const names = (s: Sandbox) => vms(s).map((v) => v.name).sort();
const online = (s: Sandbox) => s.githubRunners().filter((r) => r.name.startsWith("pool-") && r.status === "online").length;

describe("the runner pool provider with autoscale", () => {
  it("creates the floor, autoscale.minIdle when runners is left out", async () => {
    const s = await sandbox();
    const outs = await createPool(autoscaled(s, { minIdle: 2 }));
    expect(outs.observed).toEqual({ total: 2, idle: 2, busy: 0, offline: 0 });
    expect(outs.autoscale).toEqual({ minIdle: 2, max: 5, idleTimeoutSeconds: 300 });
    expect(vms(s)).toHaveLength(2);
  });

  it("deletes none of the runners runner-fleet serve started when the stack changes", async () => {
    const s = await sandbox();
    const outs = await createPool(autoscaled(s, {}));
    await serveStarts(s, 2);
    const before = names(s);
    const updated = await updatePool(outs, autoscaled(s, { max: 6 }));
    expect(updated.observed.total).toBe(3);
    expect(names(s)).toEqual(before);
  });

  it("refreshes with no drift and diffs with no change after serve started runners and a job used one", async () => {
    const s = await sandbox();
    const outs = await createPool(autoscaled(s, {}));
    await serveStarts(s, 1);
    s.enqueueJob({ repository: "acme/app", durationMs: 20 });
    await waitFor("a runner used", () => s.servers().some((v) => v.status === "SHUTOFF"));
    const refreshed = (await poolProvider.read!(outs.prefix, outs)).props as PoolOutputs;
    expect(refreshed.drift).toBeUndefined();
    expect(refreshed.observed.total).toBe(1);
    expect((await poolProvider.diff!(outs.prefix, refreshed, outs)).changes).toBe(false);
  });

  it("creates up to the floor when serve left fewer runners", async () => {
    const s = await sandbox();
    const outs = await createPool(autoscaled(s, { minIdle: 2 }));
    await fleetOn(s, { prefix: "pool" }).manager.deleteRunners(1, { soft: true });
    await waitFor("one runner retired", () => vms(s).length === 1);
    const updated = await updatePool(outs, autoscaled(s, { minIdle: 2, max: 6 }));
    expect(updated.observed.total).toBe(2);
    expect(vms(s)).toHaveLength(2);
  });

  it("rolls a new flavor out to every idle runner and keeps the count", async () => {
    const s = await sandbox();
    const outs = await createPool(autoscaled(s, {}));
    await serveStarts(s, 2);
    const before = names(s);
    const rolled = await updatePool(outs, autoscaled(s, {}, { flavor: "m1.medium" }));
    expect(rolled.fingerprint).not.toBe(outs.fingerprint);
    expect(rolled.observed.total).toBe(3);
    expect(vms(s).every((v) => v.metadata["runner-fleet:fingerprint"] === rolled.fingerprint)).toBe(true);
    expect(names(s).filter((name) => before.includes(name))).toEqual([]);
  });

  it("takes idle runners down to a ceiling lowered below the live count", async () => {
    const s = await sandbox();
    const outs = await createPool(autoscaled(s, {}));
    await serveStarts(s, 3);
    const updated = await updatePool(outs, autoscaled(s, { max: 2 }));
    expect(updated.observed.total).toBe(2);
    expect(vms(s)).toHaveLength(2);
  });

  it("runs a cleanup without deleting the runners serve started", async () => {
    const s = await sandbox();
    const outs = await createPool(autoscaled(s, {}));
    await serveStarts(s, 2);
    const before = names(s);
    // The operation carries the pool's inputs as the component gave them: autoscale without its defaults.
    const pool = { ...outs, autoscale: { minIdle: 1, max: 5 } as AutoscaleConfig };
    const created = (await operationProvider.create({ kind: "cleanup", trigger: "", pool })).outs as OperationOutputs;
    const ran = (await operationProvider.update!("op", created, { ...created, trigger: "t1" } as OperationInputs)).outs as OperationOutputs;
    expect(ran.lastRun).toMatchObject({ kind: "cleanup", created: 0, deletedVms: 0 });
    expect(names(s)).toEqual(before);
  });
});
