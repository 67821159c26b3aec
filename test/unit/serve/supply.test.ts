import { describe, expect, it } from "vitest";
import type { CreationRecord } from "../../../src/demand/store.js";
import { CloudRunnerState, GitHubRunnerState, HealthState, type RunnerInstance } from "../../../src/manager/types.js";
import { supplyOf, type SupplyRules, waitingJobs } from "../../../src/serve/supply.js";

const now = new Date("2026-12-03T12:00:00Z");
// The observation began 30 s ago.
const rules: SupplyRules = { now, observedAt: new Date(now.getTime() - 30_000), creationTimeoutSeconds: 1200, claimTtlMs: 600_000 };
const ago = (s: number) => new Date(now.getTime() - s * 1000);

function runner(name: string, githubState: GitHubRunnerState | undefined, ageSeconds = 60, health = HealthState.Healthy): RunnerInstance {
  return { name, instanceId: name.slice(3), health, cloudState: CloudRunnerState.Active, serverId: name, createdAt: ago(ageSeconds), ...(githubState ? { githubState } : {}) };
}
const claim = (runnerName: string, state: CreationRecord["state"], claimedAgo: number, finishedAgo?: number): CreationRecord => ({
  runnerName, owner: "a", state, claimedAt: ago(claimedAgo), ...(finishedAgo === undefined ? {} : { finishedAt: ago(finishedAgo) }),
});
const none = { running: new Set<string>(), finished: new Set<string>() };

describe("supplyOf", () => {
  it.each([
    ["an idle runner", runner("ci-1", GitHubRunnerState.Idle), "idle"],
    ["a busy runner", runner("ci-1", GitHubRunnerState.Busy), "busy"],
    ["a booting runner not on GitHub yet", runner("ci-1", undefined), "starting"],
    ["a registered runner not online yet", runner("ci-1", GitHubRunnerState.Offline), "starting"],
    ["an offline runner past the creation timeout", runner("ci-1", GitHubRunnerState.Offline, 1300), "offline"],
  ] as const)("sees %s as %s", (_what, r, state) => {
    expect(supplyOf([r], [], none, rules).map((s) => s.state)).toEqual([state]);
  });

  it("leaves out VMs cleanup removes and runners whose job finished", () => {
    const runners = [runner("ci-1", undefined, 60, HealthState.Unhealthy), runner("ci-2", GitHubRunnerState.Idle)];
    expect(supplyOf(runners, [], { running: new Set(), finished: new Set(["ci-2"]) }, rules)).toEqual([]);
  });

  it("marks a runner a job started on as having taken a job, whatever GitHub's lagging list says", () => {
    expect(supplyOf([runner("ci-1", GitHubRunnerState.Idle)], [], { running: new Set(["ci-1"]), finished: new Set() }, rules)[0]?.tookJob).toBe(true);
  });

  it.each([
    ["a creation in flight", claim("ci-9", "creating", 30), ["creating"]],
    ["a creation a dead controller left (past the claim TTL)", claim("ci-9", "creating", 700), []],
    ["a creation finished after the observation began (it may be missing from it)", claim("ci-9", "created", 40, 20), ["creating"]],
    ["a creation finished before the observation began (listed, or used and gone)", claim("ci-9", "created", 400, 40), []],
    ["a failed creation", claim("ci-9", "failed", 30, 20), []],
  ] as const)("counts %s as %j", (_what, c, states) => {
    expect(supplyOf([], [c], none, rules).map((s) => s.state)).toEqual(states);
  });

  it("counts a claimed runner once when the observation already lists it", () => {
    expect(supplyOf([runner("ci-9", GitHubRunnerState.Idle)], [claim("ci-9", "created", 40, 20)], none, rules).map((s) => s.state)).toEqual(["idle"]);
  });
});

describe("waitingJobs", () => {
  const busy = (name: string) => ({ name, state: "busy" as const, createdAt: now, tookJob: false });
  it.each([
    ["no busy runner", 3, [], [], 3],
    ["a busy runner whose job the store knows started", 3, [busy("a")], ["a"], 3],
    ["a busy runner no known job explains: it runs one of the queued", 3, [busy("a")], [], 2],
    ["more unexplained busy runners than queued jobs", 1, [busy("a"), busy("b")], [], 0],
  ] as const)("counts %s", (_what, queued, supply, running, expected) => {
    expect(waitingJobs(queued, supply, new Set(running))).toBe(expected);
  });
});
