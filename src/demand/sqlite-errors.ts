/**
 * SQLite failures in the store's terms: loading `node:sqlite`, waiting out another process's
 * write lock without blocking the event loop, and translating everything else.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describeError } from "../manager/errors.js";
import { DemandStoreError } from "./errors.js";

/** Loads `node:sqlite` on first use, so importing the demand room costs nothing without a store. */
export async function loadSqlite(): Promise<typeof import("node:sqlite")> {
  try {
    return await import("node:sqlite");
  } catch (cause) {
    // node:sqlite needs no flag from Node 22.13 on (22.5–22.12 need --experimental-sqlite).
    // https://nodejs.org/docs/latest-v22.x/api/sqlite.html
    throw new DemandStoreError("demand_store_open", `node:sqlite is unavailable in Node ${process.versions.node}: the demand store needs Node ≥ 22.13`, { cause });
  }
}

/**
 * Runs `fn` until it does not fail with SQLITE_BUSY, sleeping (asynchronously, with jitter)
 * between tries, and gives up with `demand_store_busy` after `timeoutMs`.
 */
export async function retryWhileBusy(fn: () => void, timeoutMs: number, path: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() >= deadline) {
        throw new DemandStoreError("demand_store_busy", `the demand store ${path} stayed locked by another process for ${timeoutMs} ms`, { cause: error });
      }
      await sleep(wait + Math.random() * wait);
    }
  }
}

/** Turns a raw SQLite error into `demand_store_failed`; anything else (a caller's own error) passes. */
export function translateSqliteError(error: unknown, path: string): unknown {
  if ((error as { code?: unknown } | null)?.code !== "ERR_SQLITE_ERROR") return error;
  return new DemandStoreError("demand_store_failed", `the demand store ${path} failed: ${describeError(error)}`, { cause: error });
}

function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  // SQLITE_BUSY (5) and SQLITE_LOCKED (6), including extended codes such as SQLITE_BUSY_SNAPSHOT.
  // https://www.sqlite.org/rescode.html#busy
  return typeof code === "number" && ((code & 0xff) === 5 || (code & 0xff) === 6);
}
