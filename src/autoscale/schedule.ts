/**
 * Which idle floor applies at a given instant. Pure: `now` is an input, and time zones come
 * from the ICU data Node ships (Intl.DateTimeFormat), so DST is the tz database's, not ours.
 */
import { ConfigError } from "../manager/errors.js";
import { localTime, parseClock, parseDays } from "./_window.js";
import type { AutoscaleConfig, ScheduleWindow } from "./config.js";

/** The idle floor at `now`: the first open schedule window's minIdle, else `config.minIdle`. */
export function minIdleAt(config: AutoscaleConfig, now: Date): number {
  const open = config.schedule?.find((window, index) => isWindowOpen(window, now, index));
  return open?.minIdle ?? config.minIdle;
}

/**
 * Whether `window` is open at `now`. A window belongs to the day it opens on: "fri 22:00–02:00"
 * covers Friday 23:00 and Saturday 01:00, but not Friday 01:00 (that is Thursday's night).
 */
export function isWindowOpen(window: ScheduleWindow, now: Date, index = 0): boolean {
  const days = parseDays(window.days);
  const from = parseClock(window.from);
  const to = parseClock(window.to, true);
  if (!days || from === undefined || to === undefined) {
    // Only an unvalidated config gets here; guessing a floor would scale the fleet on a typo.
    throw new ConfigError([{ path: `autoscale.schedule[${index}]`, message: "is not a valid window: pass the config through validateAutoscale" }]);
  }
  const { day, minutes } = localTime(now, window.timezone ?? "UTC");
  if (from < to) return days.has(day) && minutes >= from && minutes < to;
  const yesterday = (day + 6) % 7;
  return (days.has(day) && minutes >= from) || (days.has(yesterday) && minutes < to);
}
