import { describe, expect, it } from "vitest";
import { type AutoscaleConfigInput, validateAutoscale } from "../../../src/autoscale/config.js";
import { ConfigError } from "../../../src/manager/errors.js";

const weekdays = { days: "mon-fri", from: "08:00", to: "18:00", minIdle: 5 };

function problemsOf(input: unknown, path?: string): string[] {
  try {
    validateAutoscale(input, path);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("validateAutoscale", () => {
  it("applies the defaults when only max is written", () => {
    expect(validateAutoscale({ max: 10 })).toStrictEqual({ max: 10, minIdle: 0, idleTimeoutSeconds: 300 });
  });

  it("keeps a valid schedule as written when windows wrap, name weekends or set a time zone", () => {
    const schedule = [
      weekdays,
      { days: "sat,sun", from: "00:00", to: "24:00", minIdle: 1 },
      { days: "fri-mon", from: "22:00", to: "06:00", timezone: "Europe/Berlin", minIdle: 2 },
    ];
    const input: AutoscaleConfigInput = { max: 10, minIdle: 1, idleTimeoutSeconds: 0, schedule };
    expect(validateAutoscale(input)).toStrictEqual(input);
  });

  it("reports every problem at once, each naming its path and what to do", () => {
    const input = {
      max: 2,
      minIdle: 5,
      idleTimeoutSeconds: -1,
      colour: "blue",
      schedule: [weekdays, { days: "mon-frii", from: "8am", to: "25:00", timezone: "Mars/Olympus", minIdle: 9 }],
    };
    expect(problemsOf(input).sort()).toStrictEqual([
      "autoscale.idleTimeoutSeconds: must be ≥ 0",
      "autoscale.max: 2 is below minIdle (5): raise max or lower minIdle",
      "autoscale.schedule[0].minIdle: 5 is above max (2): raise max or lower this window's minIdle",
      "autoscale.schedule[1].days: 'mon-frii' is not a day list: write e.g. 'mon-fri', 'sat,sun' or 'mon'",
      "autoscale.schedule[1].from: '8am' is not HH:MM",
      "autoscale.schedule[1].minIdle: 9 is above max (2): raise max or lower this window's minIdle",
      "autoscale.schedule[1].timezone: 'Mars/Olympus' is not an IANA time zone: write e.g. 'UTC' or 'Europe/Berlin'",
      "autoscale.schedule[1].to: '25:00' is not HH:MM",
      "autoscale: unknown field 'colour'",
    ]);
  });

  it.each([
    ["no input at all", undefined, "autoscale: is required"],
    ["a number instead of an object", 5, "autoscale: must be an object like { max: 10, minIdle: 1 }"],
    ["a missing max", { minIdle: 1 }, "autoscale.max: is required"],
    ["a zero max", { max: 0 }, "autoscale.max: must be ≥ 1: a fleet that may never hold a runner serves nothing"],
    ["a max as text", { max: "3" }, "autoscale.max: must be a whole number ≥ 1"],
    ["a fractional minIdle", { max: 3, minIdle: 1.5 }, "autoscale.minIdle: must be a whole number"],
    ["a negative minIdle", { max: 3, minIdle: -1 }, "autoscale.minIdle: must be ≥ 0"],
    ["a fractional idle timeout", { max: 3, idleTimeoutSeconds: 0.5 }, "autoscale.idleTimeoutSeconds: must be a whole number"],
    ["a minIdle above max", { max: 2, minIdle: 5 }, "autoscale.max: 2 is below minIdle (5): raise max or lower minIdle"],
    ["a schedule that is not a list", { max: 3, schedule: "weekdays" }, "autoscale.schedule: must be a list of windows"],
    ["a window that is not an object", { max: 3, schedule: [null] }, "autoscale.schedule[0]: must be a window like { days: 'mon-fri', from: '08:00', to: '18:00', minIdle: 2 }"],
    ["a window without days", { max: 9, schedule: [{ ...weekdays, days: undefined }] }, "autoscale.schedule[0].days: is required"],
    ["days as a number", { max: 9, schedule: [{ ...weekdays, days: 1 }] }, "autoscale.schedule[0].days: must be text like 'mon-fri'"],
    ["a day range with three ends", { max: 9, schedule: [{ ...weekdays, days: "mon-wed-fri" }] }, "schedule[0].days: 'mon-wed-fri' is not a day list"],
    ["an empty day list item", { max: 9, schedule: [{ ...weekdays, days: "mon,,fri" }] }, "schedule[0].days: 'mon,,fri' is not a day list"],
    ["a one-digit hour", { max: 9, schedule: [{ ...weekdays, from: "8:00" }] }, "autoscale.schedule[0].from: '8:00' is not HH:MM"],
    ["from at 24:00", { max: 9, schedule: [{ ...weekdays, from: "24:00" }] }, "autoscale.schedule[0].from: '24:00' is not HH:MM"],
    ["an empty window", { max: 9, schedule: [{ ...weekdays, to: "08:00" }] }, "autoscale.schedule[0].to: equals from ('08:00'): the window is empty; for a whole day use 00:00 to 24:00"],
    ["an unknown time zone", { max: 9, schedule: [{ ...weekdays, timezone: "Europe/Atlantis" }] }, "schedule[0].timezone: 'Europe/Atlantis' is not an IANA time zone"],
    ["a window minIdle above max", { max: 4, schedule: [{ ...weekdays, minIdle: 5 }] }, "autoscale.schedule[0].minIdle: 5 is above max (4): raise max or lower this window's minIdle"],
    ["an unknown window field", { max: 9, schedule: [weekdays, { ...weekdays, until: "x" }] }, "autoscale.schedule[1]: unknown field 'until'"],
  ])("rejects %s", (_name, input, expected) => {
    expect(problemsOf(input).join("\n")).toContain(expected);
  });

  it("names problems under the path it is given", () => {
    expect(problemsOf({ max: 0 }, "fleets.ci.autoscale")).toStrictEqual([
      "fleets.ci.autoscale.max: must be ≥ 1: a fleet that may never hold a runner serves nothing",
    ]);
  });
});
