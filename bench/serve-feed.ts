/**
 * Jobs queued in the sandbox at a steady rate until told to stop, each at its time (those that
 * fell due together go in one call), for benches that do things to serve while demand flows.
 */
import type { JobSpec } from "../src/sandbox/index.js";
import type { RemoteSandbox } from "./remote-sandbox.js";
import { sleep } from "./serve-metrics.js";

/** A running feed. */
export interface Feed {
  /** Jobs queued so far. */
  queued(): number;
  /** Stops queueing; resolves to how many jobs were queued. */
  stop(): Promise<number>;
}

/** Starts queueing `next()` jobs at `perSecond`. */
export function startFeed(sb: RemoteSandbox, perSecond: number, next: () => JobSpec): Feed {
  let stopped = false;
  let count = 0;
  const start = Date.now();
  const done = (async () => {
    while (!stopped) {
      await sleep(start + (count / perSecond) * 1000 - Date.now());
      if (stopped) break;
      const due = Math.max(count + 1, Math.floor(((Date.now() - start) / 1000) * perSecond) + 1);
      await sb.ask("enqueue", { jobs: Array.from({ length: due - count }, next) });
      count = due;
    }
  })();
  return {
    queued: () => count,
    stop: async () => {
      stopped = true;
      await done;
      return count;
    },
  };
}
