import { describe, expect, it } from "vitest";
import { checkPool } from "../../../src/pulumi/pool-check.js";
import type { PoolInputs } from "../../../src/pulumi/pool-inputs.js";
import { inputs } from "./pool-fixtures.js";

// The prior inputs name the same image, flavor, network and cloud, so check resolves no name: no API call.
const check = (news: Partial<PoolInputs>) => checkPool(inputs, { ...inputs, ...news } as PoolInputs);
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("checkPool sizing", () => {
  it("accepts a pool without runners when autoscale is given, and stores autoscale with its defaults", async () => {
    const result = await check({ runners: undefined, autoscale: { minIdle: 2, max: 10 } as PoolInputs["autoscale"] });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toMatchObject({ autoscale: { minIdle: 2, max: 10, idleTimeoutSeconds: 300 }, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(result.inputs?.runners).toBeUndefined();
  });

  it("reports a missing runners without autoscale, saying what to do", async () => {
    const result = await check({ runners: undefined });
    expect(result.failures).toEqual([{
      property: "runners",
      reason: "runners: is required without autoscale: set runners to the fleet's size, or autoscale: { minIdle, max } to let runner-fleet serve size it by demand",
    }]);
  });

  it("lists every problem of an invalid autoscale under its path", async () => {
    const autoscale = { minIdle: -1, max: 0, idleTimeoutSeconds: "5m", schedule: [{ days: "weekdays", from: "8am", to: "18:00", minIdle: 2 }], scaleUp: true };
    const result = await check({ runners: undefined, autoscale: autoscale as unknown as PoolInputs["autoscale"] });
    expect(result.failures).toEqual([
      { property: "autoscale", reason: "autoscale.minIdle: must be ≥ 0" },
      { property: "autoscale", reason: "autoscale.max: must be ≥ 1: a fleet that may never hold a runner serves nothing" },
      { property: "autoscale", reason: "autoscale.idleTimeoutSeconds: must be a whole number ≥ 0" },
      { property: "autoscale", reason: "autoscale.schedule[0].days: 'weekdays' is not a day list: write e.g. 'mon-fri', 'sat,sun' or 'mon'" },
      { property: "autoscale", reason: "autoscale.schedule[0].from: '8am' is not HH:MM" },
      { property: "autoscale", reason: "autoscale: unknown field 'scaleUp'" },
      { property: "autoscale", reason: "autoscale.schedule[0].minIdle: 2 is above max (0): raise max or lower this window's minIdle" },
    ]);
  });

  it("rejects a ceiling above maxRunners and a floor above the ceiling", async () => {
    const result = await check({ runners: 6, maxRunners: 4, autoscale: { minIdle: 1, max: 5, idleTimeoutSeconds: 300 } });
    expect(result.failures).toEqual([
      { property: "autoscale", reason: "autoscale.max: 5 is above maxRunners (4): runner-fleet serve may not scale past the fleet's cap; lower autoscale.max or raise maxRunners" },
      { property: "runners", reason: "runners: 6 is above autoscale.max (5): the floor up creates must fit under the ceiling; lower runners or raise autoscale.max" },
    ]);
  });

  it("skips autoscale values Pulumi does not know yet in preview, and keeps them as given", async () => {
    const autoscale = { minIdle: UNKNOWN, max: 10, schedule: [{ days: UNKNOWN, from: "08:00", to: "18:00", minIdle: 1 }] };
    const result = await check({ runners: undefined, autoscale: autoscale as unknown as PoolInputs["autoscale"] });
    expect(result.failures).toEqual([]);
    expect(result.inputs?.autoscale).toEqual(autoscale);
    expect((await check({ runners: undefined, autoscale: UNKNOWN as unknown as PoolInputs["autoscale"] })).failures).toEqual([]);
  });
});
