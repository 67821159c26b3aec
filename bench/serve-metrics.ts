/** The figures the serve benches print: percentiles, idle VM time, and how they are formatted. */
import type { FleetSample } from "./sandbox-commands.js";

/** Adds a row (what, value, target) to the bench table. */
export type Row = (what: string, value: string, target?: string) => void;

/** Where a bench reports: table rows, and blocks of text printed after the table (charts). */
export interface Report {
  row: Row;
  block(text: string): void;
}

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50, p95 and max of `values`. */
export function spread(values: readonly number[]): { p50: number; p95: number; max: number } {
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: values.length === 0 ? NaN : Math.max(...values) };
}

/**
 * Idle VM time in real minutes: the number of idle runners integrated over the samples taken up
 * to `untilMs` (each sample holds until the next), times the compression back to real time.
 */
export function idleVmMinutes(samples: readonly FleetSample[], untilMs: number, compression: number): number {
  let ms = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s.t >= untilMs) break;
    const next = Math.min(samples[i + 1]?.t ?? untilMs, untilMs);
    ms += s.idle * (next - s.t);
  }
  return (ms * compression) / 60_000;
}

/** `a / b / c unit` with a fixed number of decimals. */
export function triple(values: { p50: number; p95: number; max: number }, unit: string, decimals = 0): string {
  return `${values.p50.toFixed(decimals)} / ${values.p95.toFixed(decimals)} / ${values.max.toFixed(decimals)} ${unit}`;
}

/** Milliseconds, or seconds from 10 s up. */
export function duration(ms: number): string {
  return ms < 10_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Polls `check` until it returns true or `timeoutMs` passes; resolves to whether it did. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() <= deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}
