import { describe, expect, it } from "vitest";
import { diffPool } from "../../../src/pulumi/pool-diff.js";
import type { PoolInputs, PoolOutputs } from "../../../src/pulumi/pool-inputs.js";
import { unknownPaths } from "../../../src/pulumi/pool-check.js";
import { inputs, member } from "./pool-fixtures.js";

const three = [member(1, "idle"), member(2, "busy"), member(3, "idle")];
const olds: PoolOutputs = { ...inputs, observed: { total: 3, idle: 2, busy: 1, offline: 0 }, runnerNames: three.map((m) => m.name), members: three };
const consumed: Partial<PoolOutputs> = {
  observed: { total: 1, idle: 1, busy: 0, offline: 0 },
  runnerNames: [member(1, "idle").name],
  stale: 2,
  members: [member(1, "idle"), member(2, "used"), member(3, "used")],
};

describe("diffPool", () => {
  it.each([
    ["nothing changed", {}, {}, undefined, {}],
    ["more runners wanted", { runners: 5 }, {}, "3 → 5 runners (+2)", { runners: "update" }],
    ["fewer runners wanted, naming the idle ones that go (oldest first, never the busy one)", { runners: 1 }, {}, "3 → 1 runners (−2): ci-000000000001, ci-000000000003 go", { runners: "update" }],
    ["fewer runners wanted than idle ones exist", { runners: 0 }, {}, "3 → 0 runners (−3): ci-000000000001, ci-000000000003 go; 1 busy runner above the count stays until its job ends", { runners: "update" }],
    ["runners consumed by jobs since the last look", {}, consumed, "1 → 3 runners (+2), remove 2 used VMs", {}],
    ["a cap below the desired count", { runners: 5, maxRunners: 3 }, {}, "new maxRunners", { runners: "update", maxRunners: "add" }],
    ["a new image", { image: "ubuntu-22.04", fingerprint: "fp-2" }, {}, "new image: replace 2 idle runners (1 busy one after its job)", { image: "update" }],
    ["a rotated token", { credentials: { githubToken: "t2" } }, {}, "new credentials", { credentials: "update" }],
    ["a new destroy policy", { destroyPolicy: { mode: "force", timeoutSeconds: 0 } }, {}, "new destroyPolicy", { destroyPolicy: "update" }],
    ["a new prefix", { prefix: "cd" }, {}, "replace the fleet (prefix ci → cd): drain its 3 runners, then create 3", { prefix: "update-replace" }],
    ["a new GitHub path", { github: { path: "acme/other" } }, {}, "replace the fleet (github.path acme/app → acme/other): drain its 3 runners, then create 3", { "github.path": "update-replace" }],
    ["a new runner group", { github: { path: "acme/app", runnerGroup: "ci-group" } }, {}, "replace the fleet (github.runnerGroup (none) → ci-group): drain its 3 runners, then create 3", { "github.runnerGroup": "add-replace" }],
    ["another cloud", { openstack: { cloud: "prod" } }, {}, "replace the fleet (openstack.cloud sandbox → prod): drain its 3 runners, then create 3", { "openstack.cloud": "update-replace" }],
  ] as const)("plans %s", (_name, news, old, plan, kinds) => {
    const result = diffPool({ ...olds, ...old } as PoolOutputs, { ...inputs, ...news } as PoolInputs);
    expect(result.plan).toBe(plan);
    expect(result.changes).toBe(plan !== undefined);
    expect(Object.fromEntries(Object.entries(result.detailedDiff).map(([path, change]) => [path, change.kind]))).toEqual(kinds);
  });

  it("replaces the fleet, removing the old one first when the prefix stays, when the GitHub scope changes", () => {
    expect(diffPool(olds, { ...inputs, github: { path: "acme/other" } })).toMatchObject({ replaces: ["github.path"], deleteBeforeReplace: true });
    expect(diffPool(olds, { ...inputs, prefix: "cd" })).toMatchObject({ replaces: ["prefix"], deleteBeforeReplace: false });
  });

  it("plans from older state that recorded no members, counting its stale VMs", () => {
    const { members: _, ...older } = { ...olds, ...consumed };
    expect(diffPool(older as PoolOutputs, inputs).plan).toBe("1 → 3 runners (+2), remove 2 VMs");
  });

  it("never puts a secret in the plan or the detailed diff when credentials change", () => {
    const result = diffPool(olds, { ...inputs, credentials: { githubToken: "ghp_secret-token-value" } });
    expect(JSON.stringify(result)).not.toContain("ghp_secret-token-value");
  });
});

describe("diffPool with autoscale", () => {
  const autoscale = { minIdle: 1, max: 10, idleTimeoutSeconds: 300 };
  // The fixed fleet's state, switched to autoscale with `runners` left out (floor: minIdle).
  const scaled: PoolOutputs = { ...olds, runners: undefined, autoscale };
  const news: PoolInputs = { ...inputs, runners: undefined, autoscale };
  const grown = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => member(n, n === 2 ? "busy" : "idle"));
  const kindsOf = (diff: ReturnType<typeof diffPool>) => Object.fromEntries(Object.entries(diff.detailedDiff).map(([path, change]) => [path, change.kind]));

  it.each([
    ["no change when runner-fleet serve grew the fleet", {}, { observed: { total: 8, idle: 7, busy: 1, offline: 0 }, members: grown }, undefined, {}],
    ["no change when runner-fleet serve retired every runner", {}, { observed: { total: 0, idle: 0, busy: 0, offline: 0 }, members: [], runnerNames: [] }, undefined, {}],
    ["no change when jobs used runners since the last look", {}, consumed, undefined, {}],
    ["a new minIdle and max", { autoscale: { ...autoscale, minIdle: 2, max: 20 } }, {}, "autoscale minIdle 1 → 2, max 10 → 20 (runner-fleet serve applies it)", { "autoscale.minIdle": "update", "autoscale.max": "update" }],
    ["a minIdle above the live runners, which up creates up to", { autoscale: { ...autoscale, minIdle: 5 } }, {}, "autoscale minIdle 1 → 5 (runner-fleet serve applies it), 3 → 5 runners (+2, up to the floor)", { "autoscale.minIdle": "update" }],
    [
      "a max below the live runners, which up takes idle runners down to",
      { autoscale: { ...autoscale, max: 2 } }, {},
      "autoscale max 10 → 2 (runner-fleet serve applies it), 3 → 2 runners (−1, down to the ceiling): ci-000000000001 go", { "autoscale.max": "update" },
    ],
    [
      "a new idle timeout and a schedule",
      { autoscale: { ...autoscale, idleTimeoutSeconds: 600, schedule: [{ days: "mon-fri", from: "08:00", to: "18:00", minIdle: 3 }] } }, {},
      "autoscale idleTimeoutSeconds 300 → 600, schedule (none) → 1 window (runner-fleet serve applies it)", { "autoscale.idleTimeoutSeconds": "update", "autoscale.schedule": "add" },
    ],
    ["a floor given as runners", { runners: 4 }, {}, "floor 1 → 4, 3 → 4 runners (+1, up to the floor)", { runners: "add" }],
    ["a new image, naming the cleanup up does alongside", { image: "ubuntu-22.04", fingerprint: "fp-2" }, consumed, "new image: replace 1 idle runner, remove 2 used VMs", { image: "update" }],
    ["a rotated token", { credentials: { githubToken: "t2" } }, {}, "new credentials", { credentials: "update" }],
    ["a new GitHub path", { github: { path: "acme/other" } }, {}, "replace the fleet (github.path acme/app → acme/other): drain its 3 runners, then create 1", { "github.path": "update-replace" }],
    [
      "a scale set named for the fleet: its runners must join it",
      { autoscale: { ...autoscale, scaleSet: { name: "ci-linux" } } }, {},
      "replace the fleet (scale set (none) → ci-linux): drain its 3 runners, then create 1", { "autoscale.scaleSet": "add-replace" },
    ],
    [
      "a renamed scale set",
      { autoscale: { ...autoscale, scaleSet: { name: "ci-b" } } }, { autoscale: { ...autoscale, scaleSet: { name: "ci-a" } } },
      "replace the fleet (scale set ci-a → ci-b): drain its 3 runners, then create 1", { "autoscale.scaleSet": "update-replace" },
    ],
    [
      "scale-set demand switched to webhooks",
      { autoscale: { ...autoscale, demand: "webhook" } }, { autoscale: { ...autoscale, demand: "scale-set" } },
      "replace the fleet (scale set ci → (none)): drain its 3 runners, then create 1", { "autoscale.demand": "update-replace" },
    ],
    [
      "the scale set named after the prefix it already had: the same scale set",
      { autoscale: { ...autoscale, demand: "scale-set", scaleSet: { name: "ci" } } }, { autoscale: { ...autoscale, demand: "scale-set" } },
      "autoscale scale set (prefix) → ci (runner-fleet serve applies it)", { "autoscale.scaleSet": "add" },
    ],
    [
      "webhook demand spelled out where serve chose by the secret: no scale set either way",
      { autoscale: { ...autoscale, demand: "webhook" } }, {},
      "autoscale demand (serve's choice) → webhook (runner-fleet serve applies it)", { "autoscale.demand": "add" },
    ],
  ] as const)("plans %s", (_name, change, old, plan, kinds) => {
    const result = diffPool({ ...scaled, ...old } as PoolOutputs, { ...news, ...change } as PoolInputs);
    expect(result.plan).toBe(plan);
    expect(result.changes).toBe(plan !== undefined);
    expect(kindsOf(result)).toEqual(kinds);
  });

  it.each([
    ["switching a fixed fleet to autoscale", olds, news, "the fleet's size now follows demand: floor 1, ceiling 10 (runner-fleet serve scales it)", { runners: "delete", autoscale: "add" }],
    [
      "switching to autoscale under the live runners",
      olds, { ...news, autoscale: { ...autoscale, max: 2 } },
      "the fleet's size now follows demand: floor 1, ceiling 2 (runner-fleet serve scales it), 3 → 2 runners (−1, down to the ceiling): ci-000000000001 go",
      { runners: "delete", autoscale: "add" },
    ],
    ["switching back to a fixed size", scaled, { ...inputs, runners: 5 }, "fixed size again: 3 → 5 runners (+2)", { runners: "add", autoscale: "delete" }],
    ["switching back to a fixed size of the live count", scaled, inputs, "fixed size again: 3 runners", { runners: "add", autoscale: "delete" }],
  ] as const)("plans an update, not a replacement, when %s", (_name, before, after, plan, kinds) => {
    const result = diffPool(before as PoolOutputs, after as PoolInputs);
    expect(result).toMatchObject({ changes: true, replaces: [], plan });
    expect(kindsOf(result)).toEqual(kinds);
  });
});

describe("unknownPaths", () => {
  it("finds the values Pulumi has not resolved yet during preview", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(unknownPaths({ network: unknown, github: { path: "a/b", apiUrl: unknown }, labels: ["x", unknown] })).toEqual([
      "network", "github.apiUrl", "labels.1",
    ]);
  });
});
