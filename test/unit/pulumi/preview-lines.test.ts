import { describe, expect, it } from "vitest";
import { describeDrift } from "../../../src/pulumi/pool-drift.js";
import type { ObservedMember } from "../../../src/pulumi/pool-observation.js";
import { observationOf } from "../../../src/pulumi/pool-observation.js";
import { noteCheck, previewLine } from "../../../src/pulumi/preview-lines.js";

const member = (name: string, state: ObservedMember["state"]): ObservedMember => ({ name, state, createdAt: "2026-12-01T10:00:00.000Z" });

describe("describeDrift", () => {
  const prior = (total: number, members?: ObservedMember[]) => ({ observed: { total, idle: total, busy: 0, offline: 0 }, ...(members ? { members } : {}) });
  it.each([
    ["nothing changed", prior(2, [member("a", "idle"), member("b", "busy")]), [member("a", "idle"), member("b", "busy")], undefined],
    ["two of three runners used by jobs", prior(3), [member("a", "idle"), member("b", "used"), member("c", "used")], "2 of 3 runners were used by jobs"],
    ["one used, one VM in ERROR, one deleted outside Pulumi", prior(3), [member("a", "used"), member("b", "failed")], "1 of 3 runners was used by jobs, 1 of 3 VMs failed (ERROR), 1 of 3 VMs was deleted outside Pulumi"],
    ["a runner that never came online", prior(1), [member("a", "stuck")], "1 of 1 runners never came online"],
    ["a runner a flush replaced, then a job used (its name was never recorded)", prior(1, [member("a", "idle")]), [member("b", "used")], "1 of 1 runners was used by jobs"],
    ["only what became stale since the last look", prior(1, [member("a", "used"), member("b", "idle")]), [member("a", "used"), member("b", "used")], "1 of 1 runners was used by jobs"],
    ["more runners than recorded (not drift of the recorded ones)", prior(1), [member("a", "idle"), member("b", "idle")], undefined],
  ] as const)("says %s", (_name, before, now, expected) => {
    expect(describeDrift(before, now)).toBe(expected);
  });

  it("finds no drift in an autoscaled fleet, whose runners runner-fleet serve starts and retires", () => {
    const autoscaled = { ...prior(3), autoscale: { minIdle: 1, max: 10, idleTimeoutSeconds: 300 } };
    expect(describeDrift(autoscaled, [member("a", "used"), member("b", "failed"), member("c", "idle"), member("d", "idle")])).toBeUndefined();
  });
});

describe("previewLine", () => {
  it("says nothing for a diff no check came before in this process: a refresh's own diff", () => {
    expect(previewLine("p1", "2 of 3 runners were used by jobs", "1 → 3 runners (+2)")).toBeUndefined();
  });

  it("tells the plan alone for a checked pool with no drift", () => {
    noteCheck("p2");
    expect(previewLine("p2", undefined, "3 → 5 runners (+2)")).toBe("p2: plan: 3 → 5 runners (+2)");
  });

  it("tells drift and plan in one line for a checked pool a refresh found changed", () => {
    noteCheck("p3");
    expect(previewLine("p3", "2 of 3 runners were used by jobs", "1 → 5 runners (+4), remove 2 used VMs")).toBe(
      "p3: 2 of 3 runners were used by jobs (drift); plan: 1 → 5 runners (+4), remove 2 used VMs",
    );
  });

  it("says nothing at all for an unchanged fleet", () => {
    noteCheck("p4");
    expect(previewLine("p4", undefined, undefined)).toBeUndefined();
  });

  it("keeps fleets apart", () => {
    noteCheck("p5");
    expect(previewLine("p6", undefined, "1 → 2 runners (+1)")).toBeUndefined();
    expect(previewLine("p5", undefined, "1 → 2 runners (+1)")).toBe("p5: plan: 1 → 2 runners (+1)");
  });
});

describe("observationOf", () => {
  it("counts live runners by state and stale VMs apart, with names sorted", () => {
    const observation = observationOf([member("c", "busy"), member("a", "idle"), member("b", "used"), member("d", "unlisted"), member("e", "offline")]);
    expect(observation.observed).toEqual({ total: 4, idle: 1, busy: 1, offline: 1 });
    expect(observation.runnerNames).toEqual(["a", "c", "d", "e"]);
    expect(observation.stale).toBe(1);
    expect(observation.members.map((m) => m.name)).toEqual(["a", "b", "c", "d", "e"]);
  });
});
