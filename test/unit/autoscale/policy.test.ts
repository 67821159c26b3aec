import { describe, expect, it } from "vitest";
import type { AutoscaleConfig } from "../../../src/autoscale/config.js";
import { type AutoscaleDecision, type ObservedRunner, type ObservedState, planAutoscale } from "../../../src/autoscale/policy.js";

// Wednesday noon UTC.
const NOW = new Date("2026-03-04T12:00:00Z");

function runner(name: string, state: ObservedState, ageSeconds = 0, tookJob = state === "busy"): ObservedRunner {
  return { name, state, createdAt: new Date(NOW.getTime() - ageSeconds * 1000), tookJob };
}

const many = (n: number, state: ObservedState, ageSeconds = 0) => Array.from({ length: n }, (_, i) => runner(`${state}-${i}`, state, ageSeconds));
const base: AutoscaleConfig = { minIdle: 0, max: 10, idleTimeoutSeconds: 300 };

interface Case {
  runners: ObservedRunner[];
  queued?: number;
  config?: Partial<AutoscaleConfig>;
  expected: Partial<AutoscaleDecision>;
}

const cases: Array<[string, Case]> = [
  ["creates up to minIdle when the fleet is empty", { runners: [], config: { minIdle: 2 }, expected: { desired: 2, create: 2, retire: [] } }],
  ["adds busy and queued to minIdle when jobs wait", { runners: [...many(2, "busy"), ...many(2, "idle")], queued: 3, config: { minIdle: 1 }, expected: { desired: 6, create: 2 } }],
  ["caps desired at max when demand exceeds it", { runners: many(4, "busy"), queued: 20, config: { minIdle: 1 }, expected: { desired: 10, create: 6 } }],
  ["counts creating runners as supply when creations are pending", { runners: many(2, "creating"), config: { minIdle: 2 }, expected: { desired: 2, create: 0 } }],
  ["counts starting runners as supply when they are booting", { runners: [runner("a", "starting"), runner("b", "creating")], queued: 3, expected: { desired: 3, create: 1 } }],
  ["does not count offline runners as supply when they are dead", { runners: many(2, "offline"), config: { minIdle: 2 }, expected: { desired: 2, create: 2 } }],
  ["counts offline runners toward max when they hold VMs", { runners: many(8, "offline"), config: { minIdle: 3 }, expected: { desired: 3, create: 2 } }],
  ["creates nothing when offline runners fill max", { runners: many(10, "offline"), config: { minIdle: 3 }, expected: { desired: 3, create: 0, retire: [] } }],
  ["creates nothing when the fleet is already above max", { runners: many(12, "busy"), queued: 5, expected: { desired: 10, create: 0, retire: [] } }],
  ["counts a runner that took a job as busy when GitHub still lists it idle", { runners: [runner("a", "idle", 900, true)], config: { minIdle: 1 }, expected: { desired: 2, create: 1 } }],
  ["retires idle runners past the timeout oldest first when above desired", {
    runners: [runner("a", "idle", 400), runner("b", "idle", 900), runner("c", "idle", 600)], config: { minIdle: 1 },
    expected: { desired: 1, create: 0, retire: ["b", "c"] },
  }],
  ["breaks age ties by name when runners came up together", { runners: [runner("b", "idle", 400), runner("a", "idle", 400)], expected: { retire: ["a", "b"] } }],
  ["retires a runner exactly at the idle timeout", { runners: [runner("a", "idle", 300)], expected: { retire: ["a"] } }],
  ["keeps an idle runner younger than the timeout", { runners: [runner("a", "idle", 299)], expected: { desired: 0, retire: [] } }],
  ["retires only the surplus when some idle runners are needed", { runners: [runner("a", "idle", 900), runner("b", "idle", 800), runner("c", "idle", 700)], config: { minIdle: 2 }, expected: { retire: ["a"] } }],
  ["retires only past-timeout runners when the surplus is larger", { runners: [runner("a", "idle", 900), runner("b", "idle", 10), runner("c", "idle", 20)], expected: { retire: ["a"] } }],
  ["keeps minIdle + queued idle runners when max caps desired below them", { runners: many(3, "idle", 900), queued: 3, config: { max: 2 }, expected: { desired: 2, retire: [] } }],
  ["retires down to minIdle + queued when max caps desired", { runners: many(4, "idle", 900), queued: 2, config: { max: 2, minIdle: 1 }, expected: { desired: 2, retire: ["idle-0"] } }],
  ["never retires busy, job-taking, creating or starting runners when nothing is wanted", {
    runners: [runner("busy", "busy", 900), runner("took", "idle", 900, true), runner("new", "creating", 900), runner("boot", "starting", 900)],
    expected: { desired: 2, create: 0, retire: [] },
  }],
  ["scales to zero when minIdle is 0 and there is no demand", { runners: many(3, "idle", 301), expected: { desired: 0, create: 0, retire: ["idle-0", "idle-1", "idle-2"] } }],
  ["ignores offline runners when retiring", { runners: [...many(2, "offline", 900), runner("a", "idle", 900)], expected: { retire: ["a"] } }],
  ["treats negative queued as no demand when a source miscounts", { runners: [runner("a", "idle", 10)], queued: -3, config: { minIdle: 1 }, expected: { desired: 1, create: 0, retire: [] } }],
  ["takes minIdle from the open schedule window when one applies", {
    runners: [], config: { minIdle: 1, schedule: [{ days: "mon-fri", from: "08:00", to: "18:00", minIdle: 5 }] }, expected: { minIdle: 5, desired: 5, create: 5 },
  }],
  ["takes config.minIdle when no schedule window is open", {
    runners: [], config: { minIdle: 1, schedule: [{ days: "sat,sun", from: "08:00", to: "18:00", minIdle: 5 }] }, expected: { minIdle: 1, desired: 1, create: 1 },
  }],
];

describe("planAutoscale", () => {
  it.each(cases)("%s", (_name, c) => {
    const decision = planAutoscale({ runners: c.runners, queued: c.queued ?? 0, config: { ...base, ...c.config }, now: NOW });
    expect(decision).toMatchObject(c.expected);
  });

  it.each([
    ["a creation", [...many(2, "busy"), ...many(2, "idle")], 3, { minIdle: 1 }, "2 busy + 3 queued + minIdle 1 = 6 (max 10); 4 live: create 2"],
    ["a cap", many(4, "busy"), 20, { max: 5 }, "4 busy + 20 queued + minIdle 0 = 24, capped at max 5; 4 live: create 1"],
    ["a creation limited by offline runners", many(8, "offline"), 0, { minIdle: 3 }, "0 busy + 0 queued + minIdle 3 = 3 (max 10); 0 live + 8 offline: create 2 (offline runners hold the rest of max)"],
    ["offline runners filling max", many(10, "offline"), 1, {}, "0 busy + 1 queued + minIdle 0 = 1 (max 10); 0 live + 10 offline: wait: offline runners hold max"],
    ["a retirement", many(2, "idle", 900), 0, {}, "0 busy + 0 queued + minIdle 0 = 0 (max 10); 2 live: retire 2 idle past 300s"],
    ["a young surplus", many(2, "idle", 10), 0, {}, "0 busy + 0 queued + minIdle 0 = 0 (max 10); 2 live: keep 2 extra, none retirable yet"],
    ["a converged fleet", many(2, "idle", 900), 0, { minIdle: 2 }, "0 busy + 0 queued + minIdle 2 = 2 (max 10); 2 live: steady"],
  ])("explains %s in one sentence", (_name, runners, queued, config, reason) => {
    expect(planAutoscale({ runners, queued, config: { ...base, ...config }, now: NOW }).reason).toBe(reason);
  });
});
