/** Durations and counts given on the command line, validated into ConfigErrors (exit code 2). */
import { UsageError } from "./errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses `500ms`, `30s`, `5m`, `1h` or a sum such as `1h30m` into milliseconds. A bare number is
 * refused: `--every 5` could mean seconds or minutes, and guessing wrong is costly.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim().toLowerCase();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((p) => p[0]).join("");
  if (parts.length === 0 || consumed !== trimmed) {
    throw new UsageError([{ path: flag, message: `'${text}' is not a duration; use a number with a unit, e.g. 30s, 5m, 1h30m` }]);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ""] ?? 0), 0);
  if (ms <= 0) throw new UsageError([{ path: flag, message: "must be longer than 0" }]);
  return Math.round(ms);
}

/** Parses a whole number ≥ `min` given as a flag value. */
export function parseCount(text: string | undefined, flag: string, min = 0): number {
  const value = text === undefined || text.trim() === "" ? NaN : Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError([{ path: flag, message: `must be a whole number ≥ ${min}, got '${text ?? ""}'` }]);
  }
  return value;
}

/** Formats milliseconds for people: `850ms`, `4.2s`, `3m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
