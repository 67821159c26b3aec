import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AutoscaleConfig, ScheduleWindow } from "../../../src/autoscale/config.js";
import { type ObservedRunner, type ObservedState, planAutoscale } from "../../../src/autoscale/policy.js";

// Random fleets, demand, configs, schedules and instants: the safety rules must hold for all.

const START = new Date("2026-03-02T00:00:00Z").getTime();
const states: ObservedState[] = ["creating", "starting", "idle", "busy", "offline"];

const configArb = fc.integer({ min: 1, max: 15 }).chain((max) =>
  fc.record({
    max: fc.constant(max),
    minIdle: fc.integer({ min: 0, max }),
    idleTimeoutSeconds: fc.integer({ min: 0, max: 900 }),
    schedule: fc.option(
      fc.array(
        fc.record<ScheduleWindow>({
          days: fc.constantFrom("mon-fri", "sat,sun", "fri-mon", "wed"),
          from: fc.constantFrom("00:00", "08:00", "22:00"),
          to: fc.constantFrom("06:00", "18:00", "24:00"),
          timezone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"),
          minIdle: fc.integer({ min: 0, max }),
        }),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
  }),
);

const nowArb = fc.integer({ min: 0, max: 14 * 24 * 3600 }).map((s) => new Date(START + s * 1000));

const runnersArb = (now: Date) =>
  fc
    .array(fc.record({ state: fc.constantFrom(...states), ageSeconds: fc.integer({ min: 0, max: 2000 }), tookJob: fc.boolean() }), { maxLength: 20 })
    .map((rs) => rs.map((r, i): ObservedRunner => ({ name: `r${i}`, state: r.state, tookJob: r.tookJob || r.state === "busy", createdAt: new Date(now.getTime() - r.ageSeconds * 1000) })));

const inputArb = nowArb.chain((now) => fc.record({ now: fc.constant(now), runners: runnersArb(now), queued: fc.integer({ min: 0, max: 20 }), config: configArb }));

describe("planAutoscale properties", () => {
  it("never takes the fleet above max when it was within max", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { create, desired } = planAutoscale(input);
        expect(desired).toBeLessThanOrEqual(input.config.max);
        if (input.runners.length <= input.config.max) expect(input.runners.length + create).toBeLessThanOrEqual(input.config.max);
      }),
      { numRuns: 500 },
    );
  });

  it("retires only idle runners that never took a job, and never while creating", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { create, retire, minIdle } = planAutoscale(input);
        const byName = new Map(input.runners.map((r) => [r.name, r]));
        for (const name of retire) expect(byName.get(name)).toMatchObject({ state: "idle", tookJob: false });
        expect(new Set(retire).size).toBe(retire.length);
        expect(create > 0 && retire.length > 0).toBe(false);
        const idle = input.runners.filter((r) => r.state === "idle" && !r.tookJob).length;
        if (retire.length > 0) expect(idle - retire.length).toBeGreaterThanOrEqual(minIdle + input.queued);
      }),
      { numRuns: 500 },
    );
  });

  it("converges to exactly minIdle idle runners when there is no demand", () => {
    fc.assert(
      fc.property(worldArb(), ({ config, runners }) => {
        const { world, now } = simulate(config, runners, 0, 6);
        expect(world.filter((r) => r.state === "idle")).toHaveLength(config.minIdle);
        expect(world).toHaveLength(config.minIdle);
        expect(planAutoscale({ runners: world, queued: 0, config, now })).toMatchObject({ create: 0, retire: [] });
      }),
      { numRuns: 200 },
    );
  });

  it("scales to zero when minIdle is 0 and there is no demand", () => {
    fc.assert(
      fc.property(worldArb(), ({ config, runners }) => {
        expect(simulate({ ...config, minIdle: 0 }, runners, 0, 6).world).toStrictEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("reaches min(max, queued + minIdle) runners when jobs wait and none is busy", () => {
    fc.assert(
      fc.property(worldArb(), fc.integer({ min: 0, max: 30 }), ({ config, runners }, queued) => {
        // Start within max: above it, idle runners held for queued jobs are rightly kept.
        const { world } = simulate(config, runners.slice(0, config.max), queued, 6);
        expect(world).toHaveLength(Math.min(config.max, queued + config.minIdle));
      }),
      { numRuns: 200 },
    );
  });
});

// --- a simulated world: creations come up idle one step later, and each step outlasts the idle timeout ---

function worldArb() {
  return fc.integer({ min: 1, max: 15 }).chain((max) =>
    fc.record({
      config: fc.record({ max: fc.constant(max), minIdle: fc.integer({ min: 0, max }), idleTimeoutSeconds: fc.integer({ min: 0, max: 900 }) }),
      runners: fc.array(fc.constantFrom<ObservedState>("creating", "starting", "idle"), { maxLength: 20 }),
    }),
  );
}

function simulate(config: AutoscaleConfig, initial: ObservedState[], queued: number, steps: number): { world: ObservedRunner[]; now: Date } {
  let now = START;
  let serial = 0;
  const spawn = (state: ObservedState): ObservedRunner => ({ name: `r${serial++}`, state, createdAt: new Date(now), tookJob: false });
  let runners = initial.map(spawn);
  for (let step = 0; step < steps; step++) {
    const decision = planAutoscale({ runners, queued, config, now: new Date(now) });
    const retired = new Set(decision.retire);
    runners = runners.filter((r) => !retired.has(r.name)).map((r) => ({ ...r, state: "idle" }));
    runners.push(...Array.from({ length: decision.create }, () => spawn("creating")));
    now += (config.idleTimeoutSeconds + 1) * 1000;
  }
  return { world: runners, now: new Date(now) };
}
