import { describe, expect, it } from "vitest";
import { CloudRunnerState } from "../../../src/manager/types.js";
import { fleet, NOW } from "../../fakes/fleet.js";

/** A fleet whose clock advances by each sleep, so waiting costs no real time. */
function timedFleet() {
  let now = NOW.getTime();
  const sleeps: number[] = [];
  const f = fleet("ci", {
    now: () => new Date(now),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      onSleep?.();
    },
  });
  let onSleep: (() => void) | undefined;
  return { ...f, sleeps, setOnSleep: (fn: () => void) => (onSleep = fn) };
}

describe("RunnerManager.drain", () => {
  it("deregisters idle and booting runners at once and leaves nothing", async () => {
    const f = timedFleet();
    f.add();
    f.add({ online: false, ageSeconds: 10, state: CloudRunnerState.Created });
    f.add({ vm: false });
    const report = await f.manager.drain({ mode: "drain", timeoutSeconds: 60, pollSeconds: 1 });
    expect(report).toMatchObject({ forced: false, remaining: { vms: 0, githubRunners: 0 } });
    expect(f.sleeps).toEqual([]);
  });

  it("waits for a busy runner to finish its job before deleting it", async () => {
    const f = timedFleet();
    const busy = f.add({ busy: true });
    let rounds = 0;
    f.setOnSleep(() => {
      if (++rounds === 3 && busy.runner) {
        // The job ends: the ephemeral runner deregisters and the VM powers off.
        f.platform.runners.delete(busy.runner.id);
        if (busy.vm) busy.vm.state = CloudRunnerState.Stopped;
      }
    });
    const report = await f.manager.drain({ mode: "drain", timeoutSeconds: 60, pollSeconds: 5 });
    expect(report).toMatchObject({ forced: false, remaining: { vms: 0, githubRunners: 0 } });
    expect(f.sleeps).toEqual([5000, 5000, 5000]);
  });

  it("forces busy runners out at the deadline", async () => {
    const f = timedFleet();
    f.add({ busy: true });
    f.cloud.deleteInstance = async (instance) => {
      f.cloud.vms.delete(instance.id);
      for (const r of f.platform.runners.values()) if (r.name === instance.name) r.trueBusy = false;
      return "deleted";
    };
    const report = await f.manager.drain({ mode: "drain", timeoutSeconds: 20, pollSeconds: 5 });
    expect(report).toMatchObject({ forced: true, remaining: { vms: 0, githubRunners: 0 } });
    expect(f.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20_000);
  });

  it("deletes everything at once when forced", async () => {
    const f = timedFleet();
    f.add({ busy: true });
    f.add();
    const report = await f.manager.drain({ mode: "force" });
    expect(report.remaining.vms).toBe(0);
    expect(f.sleeps).toEqual([]);
  });
});

describe("RunnerManager.reconcile with a new configuration", () => {
  it("replaces idle runners of the old configuration and keeps busy ones until their job ends", async () => {
    const f = fleet();
    const idleOld = f.add();
    const busyOld = f.add({ busy: true });
    for (const r of [idleOld, busyOld]) if (r.vm) r.vm.fingerprint = "old";
    const current = f.add();
    if (current.vm) current.vm.fingerprint = f.cloud.fingerprint;
    const report = await f.manager.reconcile(3, { replaceOutdated: true });
    expect(report.deletions).toEqual([{ name: idleOld.name, reason: "outdated", runner: "deleted", vm: "deleted" }]);
    expect(report.created).toHaveLength(1);
    expect(f.vmNames()).toContain(busyOld.name);
    expect(f.cloud.vms.size).toBe(3);
  });

  it("counts an outdated runner that took a job meanwhile and creates no extra one", async () => {
    const f = fleet();
    const racing = f.add({ trueBusy: true });
    if (racing.vm) racing.vm.fingerprint = "old";
    const report = await f.manager.reconcile(1, { replaceOutdated: true });
    expect(report.deletions).toMatchObject([{ name: racing.name, runner: "busy", vm: "kept" }]);
    expect(report.created).toEqual([]);
  });

  it("leaves runners of another configuration alone without replaceOutdated", async () => {
    const f = fleet();
    const old = f.add();
    if (old.vm) old.vm.fingerprint = "old";
    const report = await f.manager.reconcile(1);
    expect(report.deletions).toEqual([]);
  });
});

describe("RunnerManager.reconcile", () => {
  it("issues a reconciliation event with the idle and busy counts", async () => {
    const f = fleet();
    f.add({ busy: true });
    f.add();
    await f.manager.reconcile(3);
    expect(f.metrics.events.at(-1)).toMatchObject({ event: "reconciliation", flavor: "test-manager", idle_runners: 1, active_runners: 1, expected_runners: 3 });
  });

  it("issues the reconciliation event also when the cycle fails", async () => {
    const f = fleet();
    f.cloud.listInstances = async () => {
      throw new Error("nova is down");
    };
    await expect(f.manager.reconcile(1)).rejects.toThrow("nova is down");
    expect(f.metrics.events.map((e) => e.event)).toEqual(["reconciliation"]);
  });

  it("reports progress of the runners it creates, and nothing when it creates none", async () => {
    const f = fleet();
    f.add();
    const seen: string[] = [];
    await f.manager.reconcile(3, { onProgress: (done, total) => seen.push(`${done}/${total}`) });
    await f.manager.reconcile(3, { onProgress: (done, total) => seen.push(`again ${done}/${total}`) });
    expect(seen).toEqual(["1/2", "2/2"]);
  });

  it("creates the runners even when the progress callback throws", async () => {
    const f = fleet();
    const report = await f.manager.reconcile(2, {
      onProgress: () => {
        throw new Error("terminal gone");
      },
    });
    expect(report.created).toHaveLength(2);
    expect(report.createFailures).toEqual([]);
  });

  it("makes one cloud list and one GitHub list when nothing changes", async () => {
    const f = fleet();
    f.add();
    f.add();
    await f.manager.reconcile(2);
    expect(f.cloud.calls).toEqual(["list"]);
    expect(f.platform.calls).toEqual(["list"]);
  });
});

describe("RunnerManager.waitForRunners", () => {
  it("polls until the runners are online or the timeout passes", async () => {
    const f = timedFleet();
    const booting = f.add({ online: false, state: CloudRunnerState.Created });
    f.setOnSleep(() => {
      if (booting.runner) booting.runner.online = true;
    });
    expect(await f.manager.waitForRunners("online", { count: 1, timeoutSeconds: 30, pollSeconds: 2 })).toBe(1);
    expect(f.sleeps).toEqual([2000]);
    const never = timedFleet();
    never.add({ online: false });
    expect(await never.manager.waitForRunners("online", { count: 1, timeoutSeconds: 10, pollSeconds: 5 })).toBe(0);
  });
});
