import { describe, expect, it } from "vitest";
import { renderChangeSummary, renderLastRun, renderReconciliation, renderSteps } from "../../../src/cli/stack-render.js";
import { FLEET_TYPE, findOperations, findPools, type LastRun, lastRunOf, OPERATION_TYPE, POOL_TYPE, resourcesOf, urnName } from "../../../src/cli/stack-state.js";
import { ConfigError } from "../../../src/manager/errors.js";
import { PLUGIN_OPERATION_TYPE, PLUGIN_POOL_TYPE } from "../../../src/pulumi/type-tokens.js";

const urn = (type: string, name: string, parent = "") => `urn:pulumi:dev::demo::${parent}${type}::${name}`;
const fleet = (name: string) => ({ urn: urn(FLEET_TYPE, name), type: FLEET_TYPE });
const child = (type: string, name: string) => ({ urn: urn(type, name, `${FLEET_TYPE}$`), type });
const lastRun: LastRun = { trigger: "t1", at: "2026-01-01T00:00:00Z", kind: "flush", mode: "idle", deletedVms: 3, deregisteredRunners: 3, keptBusy: 1, created: 3 };

const exported = {
  version: 3,
  deployment: {
    resources: [
      { urn: "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev", type: "pulumi:pulumi:Stack" },
      fleet("ci"),
      child(POOL_TYPE, "ci-pool"),
      { ...child(OPERATION_TYPE, "ci-flush"), outputs: { kind: "flush", lastRun } },
      child(OPERATION_TYPE, "ci-cleanup"),
      fleet("gpu"),
      // A fleet the provider plugin constructed (a Python or YAML program): its children's own types.
      child(PLUGIN_POOL_TYPE, "gpu-pool"),
      child(PLUGIN_OPERATION_TYPE, "gpu-cleanup"),
    ],
  },
};
const resources = resourcesOf(exported);

describe("resourcesOf and urnName", () => {
  it("reads the resources of an exported stack, and nothing from anything else", () => {
    expect(resources).toHaveLength(8);
    expect(resourcesOf({})).toEqual([]);
    expect(resourcesOf(undefined)).toEqual([]);
  });

  it("takes the name after the last `::`, even under a parent type", () => {
    expect(urnName(urn(OPERATION_TYPE, "ci-flush", `${FLEET_TYPE}$`))).toBe("ci-flush");
  });
});

describe("findOperations", () => {
  it("finds the fleet's operation by its name `${fleet}-${kind}`", () => {
    expect(findOperations(resources, "flush", "dev", "ci")).toEqual([{ fleet: "ci", urn: child(OPERATION_TYPE, "ci-flush").urn }]);
  });

  it("takes every fleet without --fleet", () => {
    expect(findOperations(resources, "cleanup", "dev").map((o) => o.fleet)).toEqual(["ci", "gpu"]);
  });

  it("says how to wire the operation when a fleet has none, and which fleets have one", () => {
    const attempt = () => findOperations(resources, "flush", "dev");
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/fleet gpu: has no flush operation \(gpu-flush\) in stack 'dev': the program must pass `flush: \{ trigger: new pulumi.Config\("runner-fleet"\).get\("flushTrigger"\)/);
    expect(attempt).toThrow(/as examples\/basic does, then `pulumi up` once \(or pick a fleet that has one with --fleet: ci\)/);
  });

  it.each([
    { name: "an unknown --fleet", fleetName: "nope", message: "--fleet nope: no such RunnerFleet in stack 'dev'; its fleets: ci, gpu" },
  ])("refuses $name", ({ fleetName, message }) => {
    expect(() => findOperations(resources, "flush", "dev", fleetName)).toThrow(message);
  });

  it("refuses a stack that has no fleet deployed", () => {
    expect(() => findOperations([], "cleanup", "dev")).toThrow("stack dev: has no RunnerFleet in its state: deploy the program first (`pulumi up`)");
  });
});

describe("findPools and lastRunOf", () => {
  it("finds each fleet's pool", () => {
    expect(findPools(resources, "dev").map((p) => p.fleet)).toEqual(["ci", "gpu"]);
    expect(findPools(resources, "dev", "gpu")).toEqual([{ fleet: "gpu", urn: child(PLUGIN_POOL_TYPE, "gpu-pool").urn }]);
  });

  it("reads an operation's last run, and nothing for one that never ran", () => {
    expect(lastRunOf(resources, child(OPERATION_TYPE, "ci-flush").urn)).toEqual(lastRun);
    expect(lastRunOf(resources, child(OPERATION_TYPE, "ci-cleanup").urn)).toBeUndefined();
  });
});

describe("stack-render", () => {
  it("prints steps with the CLI's symbols", () => {
    expect(renderSteps([{ op: "update", name: "ci-flush", kind: "operation" }, { op: "create", name: "ci-pool", kind: "pool" }])).toEqual([
      "~  update  ci-flush (operation)",
      "+  create  ci-pool (runner pool)",
    ]);
  });

  it.each([
    { summary: { same: 4, update: 1 }, done: false, text: "1 to update, 4 unchanged" },
    { summary: { update: 1, same: 4, create: 2 }, done: true, text: "2 created, 1 updated, 4 unchanged" },
    { summary: {}, done: false, text: "no change" },
  ])("summarizes $summary as '$text'", ({ summary, done, text }) => {
    expect(renderChangeSummary(summary, done)).toBe(text);
  });

  it("says what an operation did", () => {
    expect(renderLastRun("ci", { ...lastRun, kind: "flush", mode: "idle" })).toBe("ci: flush (idle) deleted 3 VMs, deregistered 3 runners, kept 1 busy, replenished 3");
    expect(renderLastRun("ci", { ...lastRun, kind: "cleanup", deletedVms: 1, deregisteredRunners: 0 })).toBe("ci: cleanup deleted 1 VM, deregistered 0 runners, kept 1 busy, replenished 3");
  });

  it("prints a reconciliation event's counts", () => {
    const event = { event: "reconciliation", flavor: "dev-ci", expected_runners: 3, idle_runners: 2, active_runners: 1, crashed_runners: 0 };
    expect(renderReconciliation(event)).toBe("reconciliation (dev-ci): 3 expected, 2 idle, 1 active, 0 crashed");
  });
});
