import { describe, expect, it } from "vitest";
import type { DeletionOutcome } from "../../../src/manager/apply.js";
import type { ReconcileReport } from "../../../src/manager/reconcile.js";
import { CloudRunnerState, GitHubRunnerState, HealthState, type RunnerInstance } from "../../../src/manager/types.js";
import { countRunners, countsLine, outcomeTotals, reconcileLine, renderRunners, statsLine } from "../../../src/cli/report.js";

function runner(name: string, githubState?: GitHubRunnerState, cloudState = CloudRunnerState.Active): RunnerInstance {
  return {
    name,
    instanceId: name.slice(-12),
    health: HealthState.Healthy,
    ...(githubState ? { githubState } : {}),
    cloudState,
    serverId: `srv-${name}`,
    createdAt: new Date("2025-01-01T12:00:00Z"),
    fingerprint: "0123456789abcdef",
  };
}

const outcome = (o: Partial<DeletionOutcome>): DeletionOutcome => ({ name: "ci-000000000001", reason: "scale-down", runner: "deleted", vm: "deleted", ...o });

describe("countRunners", () => {
  it("counts by GitHub state and VMs GitHub does not list as unknown", () => {
    const counts = countRunners([
      runner("a", GitHubRunnerState.Idle),
      runner("b", GitHubRunnerState.Busy),
      runner("c", GitHubRunnerState.Offline),
      runner("d"),
    ]);
    expect(counts).toEqual({ total: 4, idle: 1, busy: 1, offline: 1, unknown: 1 });
    expect(countsLine(counts)).toBe("4 runners: 1 idle, 1 busy, 1 offline, 1 not on GitHub");
  });
});

describe("renderRunners", () => {
  it("shows a dash for a runner GitHub does not list and the fingerprint's first 8 characters", () => {
    const text = renderRunners([runner("ci-0123456789ab", undefined, CloudRunnerState.Stopped)], new Date("2025-01-01T12:01:00Z"));
    expect(text.split("\n")).toEqual([
      "NAME             GITHUB  CLOUD    HEALTH   AGE  FINGERPRINT",
      "ci-0123456789ab  -       stopped  healthy   1m  01234567",
    ]);
  });
});

describe("outcomeTotals", () => {
  it.each([
    ["all deleted", [outcome({}), outcome({ vm: "gone" })], "deleted 2 runners"],
    ["a busy runner kept", [outcome({}), outcome({ runner: "busy", vm: "kept" })], "deleted 1 runner, kept 1 busy"],
    ["a failure", [outcome({ vm: "failed", error: "500" })], "deleted 0 runners, 1 failed"],
    ["nothing to do", [], "deleted 0 runners"],
  ])("summarizes %s", (_name, outcomes, line) => {
    expect(outcomeTotals({ stats: {}, outcomes })).toBe(line);
  });
});

describe("statsLine", () => {
  it.each([
    [{}, "metric events issued: none"],
    [{ runner_installed: 2, runner_stop: 1 }, "metric events issued: runner_installed 2, runner_stop 1"],
    [{ runner_start: 0 }, "metric events issued: none"],
  ])("prints %j as %s", (stats, line) => {
    expect(statsLine(stats)).toBe(line);
  });
});

describe("reconcileLine", () => {
  it("shows what a cycle saw and did, failures only when there are some", () => {
    const report: ReconcileReport = {
      desired: 3, observed: 1, idle: 1, busy: 0, created: [], stats: {},
      createFailures: [{ name: "x", error: new Error("quota") }],
      deletions: [outcome({ reason: "vm-stopped" })],
    };
    expect(reconcileLine(report, 1500)).toBe("desired 3  observed 1  created 0  deleted 1  idle 1  busy 0  failed 1  (1.5s)");
  });
});
