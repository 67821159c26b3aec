import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { DemandStoreError } from "../../../src/demand/errors.js";
import { translateSqliteError } from "../../../src/demand/sqlite-errors.js";
import { SCHEMA_VERSION } from "../../../src/demand/sqlite-schema.js";
import { openSqliteDemandStore } from "../../../src/demand/sqlite-store.js";
import { jobEvent } from "./store-contract.js";

const dir = mkdtempSync(join(tmpdir(), "demand-sqlite-"));
let n = 0;
const freshPath = () => join(dir, `store-${n++}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SqliteDemandStore", () => {
  it("keeps deliveries, jobs, creations and values across a close and a reopen", async () => {
    const path = freshPath();
    const first = await openSqliteDemandStore({ path });
    await first.recordDelivery("guid-1", new Date(1000));
    await first.applyJobEvent(jobEvent("job-started", 42, 0, "ci-1"));
    await first.claimCreation({ runnerName: "ci-2", owner: "ctl-a", at: new Date(2000) });
    await first.setValue("k", "v");
    await first.close();
    const second = await openSqliteDemandStore({ path });
    expect(await second.hasDelivery("guid-1")).toBe(true);
    expect((await second.getJob(42))?.runnerName).toBe("ci-1");
    expect(await second.listCreations()).toEqual([{ runnerName: "ci-2", owner: "ctl-a", state: "creating", claimedAt: new Date(2000) }]);
    expect(await second.getValue("k")).toBe("v");
    await second.close();
  });

  it.each(["normal", "full"] as const)("opens the file in WAL mode with synchronous %s", async (synchronous) => {
    const path = freshPath();
    const store = await openSqliteDemandStore({ path, synchronous });
    const raw = new DatabaseSync(path);
    expect(raw.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    raw.close();
    await store.close();
  });

  it("answers demand_store_busy when another connection holds the write lock past the timeout", async () => {
    const path = freshPath();
    const store = await openSqliteDemandStore({ path, busyTimeoutMs: 30 });
    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    await expect(store.setValue("k", "v")).rejects.toMatchObject({ code: "demand_store_busy" });
    expect(await store.getValue("k")).toBeUndefined();
    other.exec("ROLLBACK");
    other.close();
    await store.setValue("k", "v");
    expect(await store.getValue("k")).toBe("v");
    await store.close();
  });

  it("refuses a file written by a newer schema version and says what to do", async () => {
    const path = freshPath();
    const raw = new DatabaseSync(path);
    raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const failure = openSqliteDemandStore({ path });
    await expect(failure).rejects.toBeInstanceOf(DemandStoreError);
    await expect(failure).rejects.toMatchObject({ code: "demand_store_schema", message: expect.stringContaining("upgrade runner-fleet") });
  });

  it("refuses a path whose directory does not exist with demand_store_open", async () => {
    await expect(openSqliteDemandStore({ path: join(dir, "missing", "store.db") })).rejects.toMatchObject({ code: "demand_store_open" });
  });

  it("rejects calls after close with demand_store_closed", async () => {
    const store = await openSqliteDemandStore({ path: freshPath() });
    await store.close();
    await expect(store.getValue("k")).rejects.toMatchObject({ code: "demand_store_closed" });
    await expect(store.transaction(async () => 1)).rejects.toMatchObject({ code: "demand_store_closed" });
  });

  it("lets two stores on the same file in one process see each other's commits", async () => {
    const path = freshPath();
    const [a, b] = [await openSqliteDemandStore({ path }), await openSqliteDemandStore({ path })];
    await a.applyJobEvent(jobEvent("job-queued", 5));
    await b.applyJobEvent(jobEvent("job-started", 5, 1000));
    expect((await a.getJob(5))?.status).toBe("in_progress");
    await Promise.all([a.close(), b.close()]);
  });

  it("passes a caller's own error out of a transaction unchanged", async () => {
    const store = await openSqliteDemandStore({ path: freshPath() });
    const mine = new RangeError("budget exhausted");
    await expect(store.transaction(async () => Promise.reject(mine))).rejects.toBe(mine);
    await store.close();
  });

  it("turns a raw SQLite failure into demand_store_failed naming the file", () => {
    const raw = new DatabaseSync(":memory:");
    let sqliteError: unknown;
    try {
      raw.exec("SELECT * FROM no_such_table");
    } catch (error) {
      sqliteError = error;
    }
    raw.close();
    expect(translateSqliteError(sqliteError, "/state/demand.db")).toMatchObject({ code: "demand_store_failed", message: expect.stringContaining("/state/demand.db") });
  });
});
