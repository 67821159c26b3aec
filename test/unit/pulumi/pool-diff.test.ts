import { describe, expect, it } from "vitest";
import { diffPool } from "../../../src/pulumi/pool-diff.js";
import type { PoolInputs, PoolOutputs } from "../../../src/pulumi/pool-inputs.js";
import { unknownPaths } from "../../../src/pulumi/pool-check.js";
import type { ObservedMember } from "../../../src/pulumi/pool-observation.js";

const inputs: PoolInputs = {
  prefix: "ci",
  name: "ci",
  runners: 3,
  image: "ubuntu-24.04",
  flavor: "m1.small",
  network: "runners-net",
  labels: [],
  securityGroups: [],
  github: { path: "acme/app" },
  openstack: { cloud: "sandbox" },
  vm: {},
  waitFor: "none",
  waitTimeoutSeconds: 600,
  destroyPolicy: { mode: "drain", timeoutSeconds: 600 },
  credentials: { githubToken: "t" },
  fingerprint: "fp-1",
};

const member = (n: number, state: ObservedMember["state"], fingerprint = "fp-1"): ObservedMember => ({
  name: `ci-00000000000${n}`,
  state,
  createdAt: `2026-12-01T10:0${n}:00.000Z`,
  fingerprint,
});
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

describe("unknownPaths", () => {
  it("finds the values Pulumi has not resolved yet during preview", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(unknownPaths({ network: unknown, github: { path: "a/b", apiUrl: unknown }, labels: ["x", unknown] })).toEqual([
      "network", "github.apiUrl", "labels.1",
    ]);
  });
});
