/**
 * The bursty job trace of the serve bench: 300 jobs over one day, compressed ×360 (a real day
 * runs in 240 s; 1 s of bench time is 6 real minutes). A quiet night, a morning burst, a steady
 * afternoon, a thin evening; jobs arrive in workflow runs of 1–8 jobs queued at the same instant
 * (a matrix), and run for log-normal realistic minutes (median 6 min, 1–30 min), all scaled down.
 * Seeded, so both fleets see exactly the same trace.
 */
import { mulberry32 } from "../src/sandbox/random.js";

/** Real time per bench time: 1 bench ms is 360 real ms. */
export const COMPRESSION = 360;
/** A realistic VM boot plus runner registration, in real seconds. */
export const BOOT_REAL_SECONDS = 60;

/** Bench milliseconds for `seconds` of real time. */
export const scaledMs = (seconds: number): number => (seconds * 1000) / COMPRESSION;
/** Real seconds for `ms` of bench time. */
export const realSeconds = (ms: number): number => (ms * COMPRESSION) / 1000;

/** One job of the trace: when it is queued (bench ms from the day's start) and how long it runs. */
export interface TraceJob {
  atMs: number;
  durationMs: number;
}

/** A day of jobs, with its length and the peak number of jobs running at once if none waited. */
export interface Trace {
  jobs: TraceJob[];
  dayMs: number;
  peak: number;
}

// Real hours of each stretch of the day and how many of the 300 jobs fall in it.
const SEGMENTS: { from: number; to: number; jobs: number }[] = [
  { from: 0, to: 7.5, jobs: 15 },
  { from: 7.5, to: 8.5, jobs: 20 },
  { from: 8.5, to: 10.5, jobs: 135 },
  { from: 10.5, to: 18, jobs: 105 },
  { from: 18, to: 24, jobs: 25 },
];
// Jobs per workflow run (matrix size) and their weights.
const RUN_SIZES: [number, number][] = [[1, 40], [2, 20], [3, 15], [4, 10], [6, 10], [8, 5]];

/** Generates the trace for `seed` (default 42). */
export function generateTrace(seed = 42): Trace {
  const random = mulberry32(seed);
  const jobs: TraceJob[] = [];
  for (const segment of SEGMENTS) {
    let left = segment.jobs;
    while (left > 0) {
      const size = Math.min(left, pick(RUN_SIZES, random));
      const atHours = segment.from + random() * (segment.to - segment.from);
      for (let i = 0; i < size; i++) jobs.push({ atMs: Math.round(scaledMs(atHours * 3600)), durationMs: Math.round(scaledMs(durationMinutes(random) * 60)) });
      left -= size;
    }
  }
  jobs.sort((a, b) => a.atMs - b.atMs);
  return { jobs, dayMs: scaledMs(24 * 3600), peak: peakConcurrency(jobs) };
}

/** Most jobs running at once when every job starts the moment it is queued. */
export function peakConcurrency(jobs: readonly TraceJob[]): number {
  const edges = jobs.flatMap((j) => [[j.atMs, 1], [j.atMs + j.durationMs, -1]] as [number, number][]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (running += step));
  return peak;
}

// --- internal ---

function pick(weighted: [number, number][], random: () => number): number {
  let r = random() * weighted.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted[0]![0];
}

/** Log-normal job length: median 6 minutes, σ 0.7, clamped to 1–30 minutes (Box–Muller). */
function durationMinutes(random: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(30, Math.max(1, 6 * Math.exp(0.7 * normal)));
}
