import { describe, expect, it } from "vitest";
import { CloudRunnerState, FlushMode, GitHubRunnerState, HealthState } from "../../../src/manager/types.js";
import { ConfigError, GitHubAuthError, NotFoundError } from "../../../src/manager/errors.js";
import { fleet } from "../../fakes/fleet.js";

// Acceptance cases from upstream's H test suite (reference §7.2), translated to our API.

describe("RunnerManager.flushRunners", () => {
  it("removes a GitHub runner that has no VM when flushing idle", async () => {
    const f = fleet();
    f.add({ vm: false });
    await f.manager.flushRunners(FlushMode.FlushIdle);
    expect(f.runnerNames()).toEqual([]);
  });

  it("removes an online idle runner and its VM when flushing idle", async () => {
    const f = fleet();
    f.add();
    await f.manager.flushRunners(FlushMode.FlushIdle);
    expect(f.vmNames()).toEqual([]);
    expect(f.runnerNames()).toEqual([]);
  });

  it("keeps a busy runner and its VM when flushing idle", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    await f.manager.flushRunners(FlushMode.FlushIdle);
    expect(f.vmNames()).toEqual([busy.name]);
    expect(f.runnerNames()).toEqual([busy.name]);
  });

  it("keeps the VM of a runner that picked up a job between listing and deleting when flushing idle", async () => {
    const f = fleet();
    const racing = f.add({ busy: false });
    f.platform.beforeDelete = (runner) => {
      runner.trueBusy = true;
    };
    const report = await f.manager.flushRunnersWithReport(FlushMode.FlushIdle);
    expect(report.outcomes).toEqual([{ name: racing.name, reason: "flush-idle", runner: "busy", vm: "kept" }]);
    expect(f.vmNames()).toEqual([racing.name]);
  });

  it("deletes a busy runner's VM and leaves its GitHub runner for later when flushing busy", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    await f.manager.flushRunners(FlushMode.FlushBusy);
    expect(f.vmNames()).toEqual([]);
    // The fake keeps the job running after its VM went: GitHub still refuses, cleanup removes it later.
    expect(f.runnerNames()).toEqual([busy.name]);
  });

  it("removes a busy runner on GitHub once its VM is gone when GitHub then allows it", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    f.cloud.deleteInstance = async (instance) => {
      f.cloud.vms.delete(instance.id);
      if (busy.runner) busy.runner.trueBusy = false; // the job failed with its VM
      return "deleted";
    };
    await f.manager.flushRunners(FlushMode.FlushBusy);
    expect(f.runnerNames()).toEqual([]);
  });

  it("leaves runners of booting VMs alone when flushing idle", async () => {
    const f = fleet();
    const booting = f.add({ online: false, ageSeconds: 30, state: CloudRunnerState.Created });
    await f.manager.flushRunners(FlushMode.FlushIdle);
    expect(f.vmNames()).toEqual([booting.name]);
  });
});

describe("RunnerManager.cleanup", () => {
  it("removes a GitHub-only runner", async () => {
    const f = fleet();
    f.add({ vm: false });
    await f.manager.cleanup();
    expect(f.runnerNames()).toEqual([]);
  });

  it("keeps the pair and removes the GitHub-only runner when both exist", async () => {
    const f = fleet();
    const pair = f.add();
    f.add({ vm: false });
    await f.manager.cleanup();
    expect(f.runnerNames()).toEqual([pair.name]);
    expect(f.vmNames()).toEqual([pair.name]);
  });

  it("keeps a new VM that GitHub does not list yet", async () => {
    const f = fleet();
    const young = f.add({ github: false, ageSeconds: 10, state: CloudRunnerState.Created });
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([young.name]);
  });

  it("deletes a VM whose runner no longer exists once past the grace period", async () => {
    const f = fleet();
    f.add({ github: false, ageSeconds: 61 });
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([]);
  });

  it("removes several dangling GitHub runners", async () => {
    const f = fleet();
    f.add({ vm: false });
    f.add({ vm: false, online: false });
    f.add({ vm: false });
    await f.manager.cleanup();
    expect(f.runnerNames()).toEqual([]);
  });

  it("removes an ERROR VM and its just-created offline runner at once", async () => {
    const f = fleet();
    f.add({ state: CloudRunnerState.Error, online: false, ageSeconds: 5 });
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([]);
    expect(f.runnerNames()).toEqual([]);
  });

  it("removes a stopped VM whose ephemeral runner exited", async () => {
    const f = fleet();
    f.add({ state: CloudRunnerState.Stopped, github: false, ageSeconds: 5 });
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([]);
  });

  it("removes an offline idle runner whose VM is older than the creation timeout", async () => {
    const f = fleet();
    f.add({ online: false, ageSeconds: 1201 });
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([]);
    expect(f.runnerNames()).toEqual([]);
  });

  it("keeps an offline runner still within the creation timeout", async () => {
    const f = fleet();
    const booting = f.add({ online: false, ageSeconds: 1100 });
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([booting.name]);
  });

  it("keeps a busy offline runner whatever its age", async () => {
    const f = fleet();
    const busy = f.add({ online: false, busy: true, ageSeconds: 5000 });
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([busy.name]);
  });

  it("deletes older VMs that share a name and keeps the newest", async () => {
    const f = fleet();
    const pair = f.add({ ageSeconds: 100 });
    f.cloud.add({ name: pair.name, createdAt: f.ago(500) });
    f.cloud.add({ name: pair.name, createdAt: f.ago(400) });
    await f.manager.cleanup();
    const left = f.cloud.byName(pair.name);
    expect(left.map((v) => v.id)).toEqual([pair.vm?.id]);
    expect(f.runnerNames()).toEqual([pair.name]);
  });

  it("never touches runners of a fleet whose prefix extends ours", async () => {
    const f = fleet("app-1");
    f.cloud.add({ name: "app-10-0123456789ab", state: CloudRunnerState.Error });
    f.platform.add({ name: "app-10-0123456789ab", online: false });
    f.platform.add({ name: "app-1-x-0123456789ab", online: false });
    await f.manager.cleanup();
    expect(f.cloud.vms.size).toBe(1);
    expect(f.platform.runners.size).toBe(2);
  });

  it("still deletes the other runners when one deletion fails", async () => {
    const f = fleet();
    const stuck = f.add({ state: CloudRunnerState.Error });
    f.add({ state: CloudRunnerState.Error });
    f.cloud.failDelete.add(stuck.name);
    const report = await f.manager.cleanupWithReport();
    expect(f.vmNames()).toEqual([stuck.name]);
    expect(report.outcomes.filter((o) => o.vm === "failed").map((o) => o.name)).toEqual([stuck.name]);
  });

  it("deletes the VM and counts events when the console carries markers", async () => {
    const f = fleet();
    const done = f.add({ state: CloudRunnerState.Stopped, github: false, ageSeconds: 300 });
    const created = (done.vm?.createdAt.getTime() ?? 0) / 1000;
    if (done.vm) {
      done.vm.console = [
        `RUNNER_FLEET_MARKER installed {"timestamp":${created + 30}}`,
        `RUNNER_FLEET_MARKER pre-job {"timestamp":${created + 40},"workflow":"ci","repository":"acme/app","event":"push","workflow_run_id":"7"}`,
        `RUNNER_FLEET_MARKER post-job {"timestamp":${created + 100},"status":"normal"}`,
      ].join("\n");
    }
    f.platform.jobs.set(`acme/app#7#${done.name}`, {
      createdAt: new Date((created + 35) * 1000), startedAt: new Date((created + 40) * 1000), conclusion: "success",
    });
    const stats = await f.manager.cleanup();
    expect(stats).toEqual({ runner_installed: 1, runner_start: 1, runner_stop: 1 });
    expect(f.metrics.events.map((e) => e.event)).toEqual(["runner_installed", "runner_start", "runner_stop"]);
    expect(f.metrics.events[2]).toMatchObject({ job_conclusion: "success", job_duration: 60, repo: "acme/app" });
  });

  it("deletes the VM even when reading its console fails", async () => {
    const f = fleet();
    f.add({ state: CloudRunnerState.Error });
    f.cloud.consoleOutput = async () => {
      throw new Error("console unavailable");
    };
    await f.manager.cleanup();
    expect(f.vmNames()).toEqual([]);
  });
});

describe("RunnerManager.createRunners", () => {
  it("returns one id and creates one VM with a JIT runner", async () => {
    const f = fleet();
    const ids = await f.manager.createRunners(1);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(f.cloud.calls.filter((c) => c.startsWith("create"))).toEqual([`create ci-${ids[0]}`]);
    const vm = f.cloud.byName(`ci-${ids[0]}`)[0];
    expect(vm?.jitConfig).toBe(`jit-secret-${vm?.runnerId}`);
  });

  it("registers runners with the user's labels plus self-hosted and linux", async () => {
    const f = fleet("ci", { labels: ["gpu"] });
    await f.manager.createRunners(1);
    expect([...f.platform.runners.values()][0]?.labels).toEqual(["gpu", "self-hosted", "linux"]);
  });

  it("deregisters the GitHub runner at once when its VM cannot be created", async () => {
    const f = fleet();
    f.cloud.failAllCreates = new Error("no valid host");
    const report = await f.manager.createRunnersWithReport(3);
    expect(report.created).toEqual([]);
    expect(report.failures).toHaveLength(3);
    expect(f.runnerNames()).toEqual([]);
  });

  it("throws the first failure when none of the runners could be created", async () => {
    const f = fleet();
    f.cloud.failAllCreates = new Error("no valid host was found");
    await expect(f.manager.createRunners(2)).rejects.toThrow("no valid host was found");
    expect(f.runnerNames()).toEqual([]);
  });

  it("returns the runners that were created when some fail", async () => {
    const f = fleet();
    let n = 0;
    const create = f.cloud.createInstance.bind(f.cloud);
    f.cloud.createInstance = async (request) => {
      if (n++ % 2 === 1) throw new Error("quota");
      return create(request);
    };
    const ids = await f.manager.createRunners(4);
    expect(ids).toHaveLength(2);
    expect(f.runnerNames()).toEqual(f.vmNames());
  });

  it("throws the cause when nothing can be created because the token is rejected", async () => {
    const f = fleet();
    f.platform.failJit = new GitHubAuthError("GitHub rejected the token", 401);
    await expect(f.manager.createRunners(5)).rejects.toBeInstanceOf(GitHubAuthError);
    expect(f.platform.calls.filter((c) => c.startsWith("jit")).length).toBeLessThan(5 + 1);
    expect(f.cloud.vms.size).toBe(0);
  });

  it("stops starting new runners after an unknown flavor", async () => {
    const f = fleet("ci", { createConcurrency: 1 });
    f.cloud.failAllCreates = new NotFoundError("flavor", "m1.huge", "flavor 'm1.huge' not found");
    await expect(f.manager.createRunners(5)).rejects.toThrow("m1.huge");
    expect(f.cloud.calls.filter((c) => c.startsWith("create"))).toHaveLength(1);
    expect(f.runnerNames()).toEqual([]);
  });

  it("reports progress after each runner, created or failed", async () => {
    const f = fleet("ci", { createConcurrency: 1 });
    let n = 0;
    const create = f.cloud.createInstance.bind(f.cloud);
    f.cloud.createInstance = async (request) => {
      if (n++ === 1) throw new Error("no valid host");
      return create(request);
    };
    const seen: string[] = [];
    const report = await f.manager.createRunnersWithReport(3, {
      onProgress: (done, total) => seen.push(`${done}/${total} with ${f.cloud.vms.size} VMs`),
    });
    expect(seen).toEqual(["1/3 with 1 VMs", "2/3 with 1 VMs", "3/3 with 2 VMs"]);
    expect(report.failures).toHaveLength(1);
  });

  it("does not let a concurrent cleanup take a runner being created for dangling", async () => {
    const f = fleet();
    let cleanupDuringCreate: Promise<unknown> | undefined;
    const create = f.cloud.createInstance.bind(f.cloud);
    f.cloud.createInstance = async (request) => {
      cleanupDuringCreate = f.manager.cleanup();
      await cleanupDuringCreate;
      return create(request);
    };
    const ids = await f.manager.createRunners(1);
    expect(ids).toHaveLength(1);
    expect(f.runnerNames()).toEqual([`ci-${ids[0]}`]);
  });
});

describe("RunnerManager.getRunners", () => {
  it("returns nothing for an empty fleet", async () => {
    expect(await fleet().manager.getRunners()).toEqual([]);
  });

  it("returns nothing for a GitHub-only runner", async () => {
    const f = fleet();
    f.add({ vm: false });
    expect(await f.manager.getRunners()).toEqual([]);
  });

  it("returns a VM-only runner without a GitHub state", async () => {
    const f = fleet();
    const vmOnly = f.add({ github: false, ageSeconds: 5 });
    const [runner] = await f.manager.getRunners();
    expect(runner).toMatchObject({ name: vmOnly.name, health: HealthState.Unknown, cloudState: CloudRunnerState.Active });
    expect(runner?.githubState).toBeUndefined();
  });

  it("returns a paired runner named like its VM", async () => {
    const f = fleet();
    const pair = f.add();
    const [runner] = await f.manager.getRunners();
    expect(runner).toMatchObject({
      name: pair.name, instanceId: pair.name.slice(3), githubState: GitHubRunnerState.Idle, health: HealthState.Healthy, runnerId: pair.runner?.id,
    });
  });

  it("filters by GitHub state and cloud state", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    f.add();
    f.add({ state: CloudRunnerState.Error });
    expect((await f.manager.getRunners({ githubStates: [GitHubRunnerState.Busy] })).map((r) => r.name)).toEqual([busy.name]);
    expect(await f.manager.getRunners({ cloudStates: [CloudRunnerState.Error] })).toHaveLength(1);
  });

  it("counts busy runners as online and busy, idle as idle, offline as offline", async () => {
    const f = fleet();
    f.add({ busy: true });
    f.add();
    f.add({ online: false });
    expect(await f.manager.counts()).toEqual({ total: 3, idle: 1, busy: 1, offline: 1, unknown: 0 });
  });
});

describe("RunnerManager.deleteRunners", () => {
  it("does nothing without runners", async () => {
    const f = fleet();
    expect(await f.manager.deleteRunners(1)).toEqual({});
  });

  it("keeps busy and idle runners when asked to delete none", async () => {
    const f = fleet();
    f.add({ busy: true });
    f.add();
    await f.manager.deleteRunners(0);
    expect(f.cloud.vms.size).toBe(2);
  });

  it("deletes a busy runner's VM and keeps its GitHub runner when hard-deleting it", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    await f.manager.deleteRunners(1);
    expect(f.vmNames()).toEqual([]);
    expect(f.runnerNames()).toEqual([busy.name]);
  });

  it("deletes an idle runner and its VM", async () => {
    const f = fleet();
    f.add();
    await f.manager.deleteRunners(1);
    expect(f.vmNames()).toEqual([]);
    expect(f.runnerNames()).toEqual([]);
  });

  it("deletes the idle runner before the busy one", async () => {
    const f = fleet();
    const busy = f.add({ busy: true, ageSeconds: 900 });
    f.add({ ageSeconds: 100 });
    await f.manager.deleteRunners(1);
    expect(f.vmNames()).toEqual([busy.name]);
  });

  it("deletes in the order not-on-GitHub, offline, idle, busy", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    const idle = f.add();
    const offline = f.add({ online: false });
    const unlisted = f.add({ github: false, ageSeconds: 5 });
    const report = await f.manager.deleteRunnersWithReport(3);
    expect(report.outcomes.map((o) => o.name)).toEqual([unlisted.name, offline.name, idle.name]);
    expect(f.vmNames()).toEqual([busy.name]);
  });

  it("leaves one of two runners when deleting one", async () => {
    const f = fleet();
    f.add();
    f.add();
    await f.manager.deleteRunners(1);
    expect(f.cloud.vms.size).toBe(1);
  });

  it("counts what cleanup removes towards the number to delete", async () => {
    const f = fleet();
    f.add({ state: CloudRunnerState.Error });
    f.add();
    f.add();
    await f.manager.deleteRunners(2);
    expect(f.cloud.vms.size).toBe(1);
  });

  it.each([
    ["a negative count", -1],
    ["a fractional count", 1.5],
    ["NaN", Number.NaN],
    ["infinity", Number.POSITIVE_INFINITY],
  ])("rejects %s with a ConfigError and deletes nothing", async (_name, num) => {
    const f = fleet();
    f.add();
    await expect(f.manager.deleteRunners(num)).rejects.toBeInstanceOf(ConfigError);
    expect(f.cloud.vms.size).toBe(1);
  });
});

describe("RunnerManager.deleteRunners soft", () => {
  it("deletes the idle runner and keeps the busy one and its VM", async () => {
    const f = fleet();
    const busy = f.add({ busy: true });
    f.add();
    const report = await f.manager.deleteRunnersWithReport(2, { soft: true });
    expect(report.outcomes.filter((o) => o.vm === "deleted")).toHaveLength(1);
    expect(f.vmNames()).toEqual([busy.name]);
    expect(f.runnerNames()).toEqual([busy.name]);
  });

  it("deletes nothing when the only runner is busy", async () => {
    const f = fleet();
    f.add({ busy: true });
    const report = await f.manager.deleteRunnersWithReport(1, { soft: true });
    expect(report.outcomes).toEqual([]);
    expect(f.cloud.vms.size).toBe(1);
  });

  it("keeps the VM when GitHub's list says idle but the runner is truly busy", async () => {
    const f = fleet();
    const lagging = f.add({ busy: false, trueBusy: true });
    const report = await f.manager.deleteRunnersWithReport(1, { soft: true });
    expect(report.outcomes).toEqual([{ name: lagging.name, reason: "scale-down", runner: "busy", vm: "kept" }]);
    expect(f.vmNames()).toEqual([lagging.name]);
  });

  it("keeps the VM when GitHub cannot be reached for the deregistration", async () => {
    const f = fleet();
    const pair = f.add();
    if (pair.runner) f.platform.failDelete.add(pair.runner.id);
    await f.manager.deleteRunners(1, { soft: true });
    expect(f.vmNames()).toEqual([pair.name]);
  });
});
