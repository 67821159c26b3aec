/** Arranges a manager over the fakes with a fixed clock, and paired VM + runner fixtures. */
import { RunnerManager, type RunnerManagerDeps } from "../../src/manager/runner-manager.js";
import { newInstanceName } from "../../src/manager/naming.js";
import type { MetricEvent, MetricsSink } from "../../src/manager/metrics.js";
import { CloudRunnerState } from "../../src/manager/types.js";
import { FakeCloud, type FakeVm } from "./fake-cloud.js";
import { FakePlatform, type FakeRunner } from "./fake-platform.js";

export const NOW = new Date("2026-11-27T12:00:00Z");

/** Collects issued events in memory. */
export class MemoryMetrics implements MetricsSink {
  readonly events: MetricEvent[] = [];
  async issue(event: MetricEvent): Promise<void> {
    this.events.push(event);
  }
}

export interface Runner {
  vm?: FakeVm;
  runner?: FakeRunner;
  name: string;
}

/** A fleet under test: the fakes, the manager, and helpers to arrange runners. */
export function fleet(prefix = "ci", deps: Partial<RunnerManagerDeps> = {}) {
  const cloud = new FakeCloud(prefix, () => NOW);
  const platform = new FakePlatform();
  const metrics = new MemoryMetrics();
  const manager = new RunnerManager(
    cloud,
    { name: "test-manager", auth: { token: "t" }, path: { kind: "org", org: "acme", runnerGroup: "default" } },
    { platform, metrics, now: () => NOW, ...deps },
  );
  /** Seconds ago → a Date. */
  const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

  /** A runner with a VM and/or a GitHub registration. */
  function add(
    options: {
      vm?: boolean; github?: boolean; state?: CloudRunnerState; online?: boolean; busy?: boolean; trueBusy?: boolean;
      ageSeconds?: number; name?: string;
    } = {},
  ): Runner {
    const { vm = true, github = true, state = CloudRunnerState.Active, online = true, busy = false, ageSeconds = 600 } = options;
    const name = options.name ?? newInstanceName(prefix);
    const runner = github
      ? platform.add({ name, online, busy, trueBusy: options.trueBusy ?? busy })
      : undefined;
    const machine = vm
      ? cloud.add({ name, state, createdAt: ago(ageSeconds), ...(runner ? { runnerId: runner.id } : {}) })
      : undefined;
    return { name, ...(machine ? { vm: machine } : {}), ...(runner ? { runner } : {}) };
  }

  const vmNames = () => [...cloud.vms.values()].map((v) => v.name).sort();
  const runnerNames = () => [...platform.runners.values()].map((r) => r.name).sort();
  return { cloud, platform, metrics, manager, add, ago, vmNames, runnerNames };
}
