/** The manager calls an autoscaler makes: named creation (claimed names), retirement of chosen runners, claims of other processes. */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/manager/errors.js";
import { fleet } from "../../fakes/fleet.js";

describe("RunnerManager.createNamedRunners", () => {
  it("creates runners of exactly the names given", async () => {
    const f = fleet();
    const report = await f.manager.createNamedRunners(["ci-00000000000a", "ci-00000000000b"]);
    expect(report.created.map((i) => i.name).sort()).toEqual(["ci-00000000000a", "ci-00000000000b"]);
    expect(f.vmNames()).toEqual(["ci-00000000000a", "ci-00000000000b"]);
    expect(f.runnerNames()).toEqual(["ci-00000000000a", "ci-00000000000b"]);
  });

  it.each([["another fleet's name", "cd-00000000000a"], ["a name without the 12 hex", "ci-runner"]])(
    "refuses %s with a ConfigError and creates nothing",
    async (_what, name) => {
      const f = fleet();
      await expect(f.manager.createNamedRunners([name])).rejects.toBeInstanceOf(ConfigError);
      expect(f.vmNames()).toEqual([]);
      expect(f.runnerNames()).toEqual([]);
    },
  );
});

describe("RunnerManager.retireRunners", () => {
  it("retires the chosen idle runners and no other", async () => {
    const f = fleet();
    const [a, b, c] = [f.add(), f.add(), f.add()];
    const report = await f.manager.retireRunners([a.name, b.name]);
    expect(report.outcomes.map((o) => [o.name, o.reason, o.vm]).sort()).toEqual([[a.name, "idle-timeout", "deleted"], [b.name, "idle-timeout", "deleted"]].sort());
    expect(f.vmNames()).toEqual([c.name]);
  });

  it("never takes a runner GitHub lists as busy", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    expect((await f.manager.retireRunners([busy.name])).outcomes).toEqual([]);
    expect(f.vmNames()).toEqual([busy.name]);
  });

  it("keeps the VM of a chosen runner that took a job after it was chosen (GitHub answers 422)", async () => {
    const f = fleet();
    const racing = f.add();
    f.platform.beforeDelete = (runner) => {
      runner.trueBusy = true;
    };
    const report = await f.manager.retireRunners([racing.name]);
    expect(report.outcomes).toEqual([{ name: racing.name, reason: "idle-timeout", runner: "busy", vm: "kept" }]);
    expect(f.vmNames()).toEqual([racing.name]);
  });
});

describe("claims of other processes", () => {
  it("leaves a GitHub runner without VM alone while another process is creating it", async () => {
    const claimed = new Set<string>();
    const f = fleet("ci", { inFlightElsewhere: () => claimed });
    const creating = f.add({ vm: false });
    claimed.add(creating.name);
    await f.manager.cleanup();
    expect(f.runnerNames()).toEqual([creating.name]);
    claimed.clear();
    await f.manager.cleanup();
    expect(f.runnerNames()).toEqual([]);
  });
});
