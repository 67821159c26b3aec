/**
 * A RunnerFleet with a runner scale set through the pool provider, called as the engine's provider
 * process calls it, against the sandbox over HTTP. `pulumi up` registers the floor in the scale set
 * (JIT through it, as serve's runners are: a runner registered on the REST path never takes a job
 * GitHub routes to the scale set). `pulumi destroy` removes the runners first (by the destroy
 * policy), then the scale set, so nothing is left in GitHub; a scale set that is already gone is no
 * obstacle, and a webhook fleet never calls the Actions service.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AutoscaleConfigInput } from "../../src/autoscale/config.js";
import { createFleetManager } from "../../src/fleet/create-runner-manager.js";
import { createScaleSetDemandAdapters } from "../../src/fleet/demand-adapters.js";
import { validateSpec } from "../../src/manager/spec.js";
import { poolProvider } from "../../src/pulumi/provider-entry.js";
import { type PoolInputs, type PoolOutputs, specOf } from "../../src/pulumi/pool-inputs.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { poolInputsFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** check, then create, as `pulumi up` does for a new pool of `autoscale`. */
async function createPool(s: Sandbox, autoscale: AutoscaleConfigInput): Promise<PoolOutputs> {
  const checked = await poolProvider.check!({} as PoolInputs, poolInputsFor(s, { runners: undefined, autoscale: autoscale as PoolInputs["autoscale"] }));
  expect(checked.failures).toEqual([]);
  return (await poolProvider.create(checked.inputs as PoolInputs)).outs as PoolOutputs;
}

/** The scale set serve makes for the pool (and one runner of it, JIT through the scale set, as serve starts them). */
async function serveMakesScaleSet(s: Sandbox, pool: PoolOutputs, name: string): Promise<void> {
  const spec = validateSpec(specOf(pool) as Parameters<typeof validateSpec>[0], {});
  const adapters = createScaleSetDemandAdapters(spec, { name, labels: [name, "self-hosted", "linux"] });
  await adapters.service.ensureScaleSet();
  await createFleetManager(spec, { env: {}, platform: adapters.platform }).manager.createRunners(1);
  await waitFor("the scale set's runner online", () => s.githubRunners().some((r) => r.name.startsWith("pool-") && r.status === "online" && r.labels.includes(name)), 20_000);
}

const poolRunners = (s: Sandbox) => s.githubRunners().filter((r) => r.name.startsWith("pool-"));
const scaleSets = (s: Sandbox) => s.actions.scaleSets().map((x) => x.name);
const actionsCalls = (s: Sandbox) => s.requests("github").filter((r) => r.path.includes("/_apis/") || r.path.endsWith("/actions/runner-registration") || r.path.endsWith("/registration-token"));

async function expectPoolGone(s: Sandbox): Promise<void> {
  await waitFor("no VM of the pool", () => s.servers().filter((v) => v.name.startsWith("pool-")).length === 0, 10_000);
  expect(poolRunners(s)).toEqual([]);
}

describe("pulumi up of a RunnerFleet with a runner scale set", () => {
  it("registers the floor in the fleet's scale set, labelled with its name", async () => {
    const s = (sandbox = await startFastSandbox());
    const pool = await createPool(s, { minIdle: 2, max: 4, scaleSet: { name: "pool-linux" } });
    await waitFor("two runners", () => poolRunners(s).length === 2, 20_000);
    const [scaleSet] = s.actions.scaleSets();
    expect(scaleSet).toMatchObject({ name: "pool-linux", labels: ["pool-linux", "self-hosted", "linux"] });
    expect(poolRunners(s).map((r) => r.scaleSetId)).toStrictEqual([scaleSet!.id, scaleSet!.id]);
    await poolProvider.delete!(pool.prefix, pool);
    expect(s.actions.scaleSets()).toStrictEqual([]);
  });

  it("registers the floor of a webhook fleet on the REST path and makes no scale set", async () => {
    const s = (sandbox = await startFastSandbox());
    const pool = await createPool(s, { minIdle: 1, max: 4, demand: "webhook" });
    await waitFor("one runner", () => poolRunners(s).length === 1, 20_000);
    expect(poolRunners(s)[0]?.scaleSetId).toBeUndefined();
    expect(s.actions.scaleSets()).toStrictEqual([]);
    await poolProvider.delete!(pool.prefix, pool);
  });
});

describe("destroying a RunnerFleet with a runner scale set", () => {
  it("drains its runners, then deletes its scale set, leaving nothing in GitHub or OpenStack", async () => {
    const s = (sandbox = await startFastSandbox({ deleteDelayMs: 20 }));
    const pool = await createPool(s, { minIdle: 1, max: 4, scaleSet: { name: "pool-linux" } });
    await serveMakesScaleSet(s, pool, "pool-linux");
    expect(poolRunners(s)).toHaveLength(2);
    await poolProvider.delete!(pool.prefix, pool);
    expect(scaleSets(s)).toEqual([]);
    await expectPoolGone(s);
  });

  it("deletes the scale set serve names after the prefix when autoscale names neither demand nor scale set", async () => {
    const s = (sandbox = await startFastSandbox({ deleteDelayMs: 20 }));
    const pool = await createPool(s, { minIdle: 0, max: 2 });
    await serveMakesScaleSet(s, pool, pool.prefix);
    await poolProvider.delete!(pool.prefix, pool);
    expect(scaleSets(s)).toEqual([]);
    await expectPoolGone(s);
  });

  it("is destroyed fine when its scale set is already gone", async () => {
    const s = (sandbox = await startFastSandbox({ deleteDelayMs: 20 }));
    // A floor of 0: `up` registered no runner, so nothing made the scale set.
    const pool = await createPool(s, { minIdle: 0, max: 2, demand: "scale-set", scaleSet: { name: "never-made" } });
    await poolProvider.delete!(pool.prefix, pool);
    await expectPoolGone(s);
    // It looked the scale set up, found none, and deleted nothing.
    expect(actionsCalls(s).filter((r) => r.path.includes("/runnerscalesets")).map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200"]);
  });

  it("never calls the Actions service for a webhook fleet", async () => {
    const s = (sandbox = await startFastSandbox({ deleteDelayMs: 20 }));
    const pool = await createPool(s, { minIdle: 1, max: 2, demand: "webhook" });
    s.resetRequests();
    await poolProvider.delete!(pool.prefix, pool);
    await expectPoolGone(s);
    expect(actionsCalls(s)).toEqual([]);
  });
});
