import { describe, expect, it } from "vitest";
import type { AutoscaleConfig, ScheduleWindow } from "../../../src/autoscale/config.js";
import { isWindowOpen, minIdleAt } from "../../../src/autoscale/schedule.js";
import { ConfigError } from "../../../src/manager/errors.js";

const weekdays: ScheduleWindow = { days: "mon-fri", from: "08:00", to: "18:00", minIdle: 5 };
const weekend: ScheduleWindow = { days: "sat,sun", from: "00:00", to: "24:00", minIdle: 2 };
const fridayNight: ScheduleWindow = { days: "fri", from: "22:00", to: "06:00", minIdle: 3 };
const berlinOffice: ScheduleWindow = { ...weekdays, timezone: "Europe/Berlin", minIdle: 4 };
const newYorkEvening: ScheduleWindow = { days: "mon", from: "20:00", to: "23:00", timezone: "America/New_York", minIdle: 6 };
const longWeekend: ScheduleWindow = { days: "fri-mon", from: "00:00", to: "24:00", minIdle: 7 };

const config = (...schedule: ScheduleWindow[]): AutoscaleConfig => ({ minIdle: 1, max: 10, idleTimeoutSeconds: 300, schedule });

// 2026-03-04 is a Wednesday; 2026-03-07 a Saturday. Berlin leaves CET (UTC+1) for CEST (UTC+2)
// on Sunday 2026-03-29, New York leaves EST (UTC−5) on Sunday 2026-03-08.
describe("minIdleAt", () => {
  it.each([
    ["a weekday window is open at noon on Wednesday", [weekdays], "2026-03-04T12:00:00Z", 5],
    ["a weekday window opens at its from time", [weekdays], "2026-03-04T08:00:00Z", 5],
    ["a weekday window is closed a minute before from", [weekdays], "2026-03-04T07:59:00Z", 1],
    ["a weekday window is closed at its to time (exclusive)", [weekdays], "2026-03-04T18:00:00Z", 1],
    ["a weekday window is closed on Saturday", [weekdays], "2026-03-07T12:00:00Z", 1],
    ["a weekend window is open all Saturday", [weekend], "2026-03-07T23:59:00Z", 2],
    ["a weekend window is open at Sunday midnight", [weekend], "2026-03-08T00:00:00Z", 2],
    ["a weekend window is closed at Monday midnight", [weekend], "2026-03-09T00:00:00Z", 1],
    ["a wrapping window is open late on the day it opens", [fridayNight], "2026-03-06T23:00:00Z", 3],
    ["a wrapping window is open after midnight into Saturday", [fridayNight], "2026-03-07T05:59:00Z", 3],
    ["a wrapping window closes at its to time the next day", [fridayNight], "2026-03-07T06:00:00Z", 1],
    ["a wrapping window is closed early Friday (Thursday's night)", [fridayNight], "2026-03-06T01:00:00Z", 1],
    ["a wrapping window is closed late Saturday", [fridayNight], "2026-03-07T23:00:00Z", 1],
    ["a Berlin window is open at 08:30 CET (07:30 UTC)", [berlinOffice], "2026-03-27T07:30:00Z", 4],
    ["a Berlin window is closed at 07:30 CET (06:30 UTC)", [berlinOffice], "2026-03-27T06:30:00Z", 1],
    ["a Berlin window is open at 08:30 CEST after DST (06:30 UTC)", [berlinOffice], "2026-03-30T06:30:00Z", 4],
    ["a Berlin window is closed at 07:30 CEST after DST (05:30 UTC)", [berlinOffice], "2026-03-30T05:30:00Z", 1],
    ["a Berlin window closes at 18:00 CEST (16:00 UTC)", [berlinOffice], "2026-03-30T16:00:00Z", 1],
    ["a New York Monday window is open on Tuesday in UTC", [newYorkEvening], "2026-03-03T01:30:00Z", 6],
    ["a New York Monday window is closed on Monday evening in UTC", [newYorkEvening], "2026-03-02T20:30:00Z", 1],
    ["a wrapping day range covers Sunday", [longWeekend], "2026-03-08T12:00:00Z", 7],
    ["a wrapping day range skips Wednesday", [longWeekend], "2026-03-04T12:00:00Z", 1],
    ["the first open window wins over a later one", [weekend, longWeekend], "2026-03-07T12:00:00Z", 2],
    ["a later window applies when the first is closed", [weekdays, weekend], "2026-03-08T12:00:00Z", 2],
  ])("%s", (_name, schedule, at, expected) => {
    expect(minIdleAt(config(...schedule), new Date(at))).toBe(expected);
  });

  it("returns config.minIdle when there is no schedule", () => {
    expect(minIdleAt({ minIdle: 3, max: 5, idleTimeoutSeconds: 300 }, new Date("2026-03-04T12:00:00Z"))).toBe(3);
  });

  it("throws a ConfigError naming the window when given an unvalidated one", () => {
    const bad = config(weekdays, { ...weekdays, from: "8am" });
    expect(() => minIdleAt(bad, new Date("2026-03-07T12:00:00Z"))).toThrow(ConfigError);
    expect(() => minIdleAt(bad, new Date("2026-03-07T12:00:00Z"))).toThrow(/autoscale\.schedule\[1\]: is not a valid window/);
  });
});

describe("isWindowOpen", () => {
  it("treats day names case-insensitively when written in capitals", () => {
    expect(isWindowOpen({ ...weekdays, days: "Mon-FRI" }, new Date("2026-03-04T12:00:00Z"))).toBe(true);
  });
});
