/**
 * `pulumi up` of a RunnerFleet that declares a runner scale set: the floor `up` makes is registered
 * in the scale set (JIT through it), as serve's runners are, because a runner registered on the
 * REST path never takes a job GitHub routes to the scale set. The pool provider's `create`, called
 * as the engine's provider process calls it, against the sandbox over HTTP.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AutoscaleConfigInput } from "../../src/autoscale/config.js";
import { poolProvider } from "../../src/pulumi/provider-entry.js";
import type { PoolInputs, PoolOutputs } from "../../src/pulumi/pool-inputs.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { poolInputsFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function createPool(s: Sandbox, autoscale: AutoscaleConfigInput): Promise<PoolOutputs> {
  const checked = await poolProvider.check!({} as PoolInputs, poolInputsFor(s, { runners: undefined, autoscale: autoscale as PoolInputs["autoscale"] }));
  expect(checked.failures).toEqual([]);
  return (await poolProvider.create(checked.inputs as PoolInputs)).outs as PoolOutputs;
}

const poolRunners = (s: Sandbox) => s.githubRunners().filter((r) => r.name.startsWith("pool-"));

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
