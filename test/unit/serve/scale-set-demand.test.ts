import { describe, expect, it } from "vitest";
import type { ObservedRunner } from "../../../src/autoscale/policy.js";
import { assignedWaiting } from "../../../src/serve/scale-set-demand.js";

const runner = (name: string, state: ObservedRunner["state"], tookJob = false): ObservedRunner => ({ name, state, createdAt: new Date(0), tookJob });

describe("assignedWaiting", () => {
  it("counts the jobs assigned to the scale set that the statistics do not show running", () => {
    expect(assignedWaiting({ assignedJobs: 5, runningJobs: 2 }, [runner("a", "busy"), runner("b", "busy"), runner("c", "idle")], new Set())).toBe(3);
  });

  it("does not count a job twice when GitHub lists its runner busy before the statistics count it running", () => {
    expect(assignedWaiting({ assignedJobs: 3, runningJobs: 1 }, [runner("a", "busy"), runner("b", "busy"), runner("c", "starting")], new Set())).toBe(1);
  });

  it("takes a runner that events say took a job as running, whatever GitHub lists", () => {
    expect(assignedWaiting({ assignedJobs: 2, runningJobs: 0 }, [runner("a", "idle", true), runner("b", "starting")], new Set())).toBe(1);
    expect(assignedWaiting({ assignedJobs: 2, runningJobs: 0 }, [runner("a", "idle"), runner("b", "starting")], new Set(["a"]))).toBe(1);
  });

  it("is never below zero, and zero with nothing assigned", () => {
    expect(assignedWaiting({ assignedJobs: 1, runningJobs: 3 }, [runner("a", "busy")], new Set())).toBe(0);
    expect(assignedWaiting({ assignedJobs: 0, runningJobs: 0 }, [], new Set())).toBe(0);
  });
});
