/**
 * The listener's waits between failed attempts: doubling from 1 s to 60 s with jitter, as the
 * Rust `scaleset` crate's standby does (reference §2), so listeners that restarted together do
 * not retry in step; on standby the same doubling stops at 5 s.
 */

/** Bounds of the backoff, in milliseconds. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

/**
 * A standby is the fleet's failover: it must notice a freed session within seconds, not after the
 * minute a growing backoff reaches (measured in the failover bench: 10–25 s after 30 s on standby).
 * A refused session create (409) is one cheap call, so retrying every ≤ 5 s costs GitHub little.
 */
export const STANDBY_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 5000 };

/** Waits `ms`; rejects when `signal` aborts (then the listener is stopping). */
export type ListenerSleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The wait before attempt `failures` (1 for the first retry): half fixed, half random. */
export function backoffDelay(failures: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { initialMs = 1000, maxMs = 60_000 } = options;
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** `setTimeout`, abortable. */
export const listenerSleep: ListenerSleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(timer), reject(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
  });
