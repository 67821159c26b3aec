/** Bounded polling for the CLI's waits (runners online, jobs finished): never an unbounded loop. */
import { FleetError } from "../manager/errors.js";
import { formatDuration } from "./duration.js";
import { sleep } from "./io.js";

/** One look at the condition: whether it holds, and a word on how far it got (for the timeout message). */
export interface Check {
  done: boolean;
  status: string;
}

/** How long to wait, how often to look, and what stops the wait early. */
export interface WaitOptions<C extends Check = Check> {
  timeoutMs: number;
  everyMs?: number;
  signal?: AbortSignal;
  /** Sees each check (to update a progress line). */
  onCheck?(check: C): void;
}

/**
 * Polls `check` until it holds; throws a `FleetError` (`timeout`, or `interrupted` when the signal
 * aborts) naming `what` and the last status, so a stuck wait explains itself.
 */
export async function waitUntil<C extends Check>(what: string, check: () => Promise<C>, options: WaitOptions<C>): Promise<C> {
  const { timeoutMs, everyMs = 250, signal } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    options.onCheck?.(result);
    if (result.done) return result;
    if (signal?.aborted) throw new FleetError("interrupted", `interrupted while waiting for ${what} (${result.status})`);
    if (Date.now() >= deadline) {
      throw new FleetError("timeout", `timed out after ${formatDuration(timeoutMs)} waiting for ${what} (${result.status})`);
    }
    await sleep(Math.min(everyMs, Math.max(0, deadline - Date.now())), signal);
  }
}
