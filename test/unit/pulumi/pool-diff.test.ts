import { describe, expect, it } from "vitest";
import { diffPool } from "../../../src/pulumi/pool-diff.js";
import type { PoolInputs, PoolOutputs } from "../../../src/pulumi/pool-inputs.js";
import { unknownPaths } from "../../../src/pulumi/pool-check.js";

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
const olds: PoolOutputs = { ...inputs, observed: { total: 3, idle: 3, busy: 0, offline: 0 }, runnerNames: [] };

describe("diffPool", () => {
  it.each([
    ["nothing changed", {}, {}, { changes: false, replaces: [] }, "ci: 3 runners"],
    ["more runners wanted", { runners: 5 }, {}, { changes: true, replaces: [] }, "ci: 3 → 5 runners (+2)"],
    ["fewer runners wanted", { runners: 1 }, {}, { changes: true, replaces: [] }, "ci: 3 → 1 runners (-2)"],
    ["runners consumed since the last refresh", {}, { observed: { total: 1, idle: 1, busy: 0, offline: 0 } }, { changes: true, replaces: [] }, "ci: 1 → 3 runners (+2)"],
    ["stale VMs left at the desired count (kept busy runners consumed since)", {}, { stale: 2 }, { changes: true, replaces: [] }, "ci: 3 runners, remove 2 stale VMs"],
    ["a cap below the desired count", { runners: 5, maxRunners: 3 }, {}, { changes: true, replaces: [] }, "ci: 3 runners"],
    ["a new flavor", { flavor: "m1.large", fingerprint: "fp-2" }, {}, { changes: true, replaces: [] }, "ci: 3 runners, rolling replacement of idle runners with the new configuration"],
    ["a rotated token", { credentials: { githubToken: "t2" } }, {}, { changes: true, replaces: [] }, "ci: 3 runners"],
    ["a new destroy policy", { destroyPolicy: { mode: "force", timeoutSeconds: 0 } }, {}, { changes: true, replaces: [] }, "ci: 3 runners"],
    ["a new prefix", { prefix: "cd" }, {}, { changes: true, replaces: ["prefix"], deleteBeforeReplace: false }, "cd: replace the fleet (prefix changed)"],
    ["a new GitHub path", { github: { path: "acme/other" } }, {}, { changes: true, replaces: ["github.path"], deleteBeforeReplace: true }, "ci: replace the fleet (github.path changed)"],
    ["a new runner group", { github: { path: "acme/app", runnerGroup: "ci-group" } }, {}, { changes: true, replaces: ["github.runnerGroup"] }, "ci: replace the fleet (github.runnerGroup changed)"],
    ["another cloud", { openstack: { cloud: "prod" } }, {}, { changes: true, replaces: ["openstack.cloud"] }, "ci: replace the fleet (openstack.cloud changed)"],
  ] as const)("decides on %s", (_name, news, old, expected, summary) => {
    const result = diffPool({ ...olds, ...old } as PoolOutputs, { ...inputs, ...news } as PoolInputs);
    expect(result).toMatchObject(expected);
    expect(result.summary).toBe(summary);
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
