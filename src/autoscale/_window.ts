/**
 * Parsing of a schedule window's day list, clock times and time zone, shared by validation
 * (config.ts) and matching (schedule.ts) so both read a window the same way.
 */

// Index = JavaScript's getUTCDay(): 0 is Sunday.
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** The weekdays (0 = Sunday) a list like "mon-fri", "sat,sun" or "fri-mon" names; undefined when it names none. */
export function parseDays(text: string): Set<number> | undefined {
  const days = new Set<number>();
  for (const item of text.toLowerCase().split(",")) {
    const ends = item.split("-").map((part) => DAY_NAMES.indexOf(part.trim()));
    const [first, last = first] = ends;
    if (first === undefined || last === undefined || ends.length > 2 || ends.includes(-1)) return undefined;
    // A range may wrap past Saturday ("fri-mon" is Friday to Monday), as people write it.
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return days;
}

/** Minutes since midnight of "HH:MM" (00:00–23:59, or 24:00 when `endOfDay`); undefined when not one. */
export function parseClock(text: string, endOfDay = false): number | undefined {
  if (endOfDay && text === "24:00") return 24 * 60;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Whether the ICU data Node ships knows `name` as a time zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The weekday (0 = Sunday) and minutes since midnight that wall clocks in `timeZone` show at `now`. */
export function localTime(now: Date, timeZone: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    // h23, because the default hour cycle of some locales prints midnight as 24.
    hourCycle: "h23",
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  // The weekday from the local calendar date, not from a locale's day names.
  const day = new Date(Date.UTC(part("year"), part("month") - 1, part("day"))).getUTCDay();
  return { day, minutes: (part("hour") % 24) * 60 + part("minute") };
}
