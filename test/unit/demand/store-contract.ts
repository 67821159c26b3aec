/** The behaviour every `DemandStore` must have, run against SQLite and against the in-memory fake. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DemandEvent } from "../../../src/demand/events.js";
import type { DemandStore } from "../../../src/demand/store.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = new Date("2026-12-01T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A job event for job `jobId` at `T0 + ms`. */
export function jobEvent(kind: DemandEvent["kind"], jobId: number, ms = 0, runnerName?: string): DemandEvent {
  const base = { jobId, repository: "acme/app", labels: ["self-hosted", "linux"], at: at(ms), source: "webhook" as const };
  if (kind === "job-queued") return { ...base, kind };
  if (kind === "job-started") return { ...base, kind, runnerName: runnerName ?? `runner-${jobId}` };
  return { ...base, kind, ...(runnerName ? { runnerName } : {}) };
}

/** Declares the contract suite for a store made by `open` (a fresh, empty store per test). */
export function describeDemandStoreContract(name: string, open: () => Promise<DemandStore>): void {
  describe(`${name} (DemandStore contract)`, () => {
    let store: DemandStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it("records a delivery id once and reports the second record as already seen", async () => {
      expect(await store.recordDelivery("guid-1", at(0))).toBe(true);
      expect(await store.recordDelivery("guid-1", at(5))).toBe(false);
      expect(await store.hasDelivery("guid-1")).toBe(true);
      expect(await store.hasDelivery("guid-2")).toBe(false);
    });

    it("keeps the latest delivery time even when deliveries arrive out of order and are pruned", async () => {
      await store.recordDelivery("late", at(10 * HOUR));
      await store.recordDelivery("early", at(HOUR));
      await store.prune(at(5 * DAY));
      expect(await store.hasDelivery("late")).toBe(false);
      expect(await store.lastDeliveryAt()).toEqual(at(10 * HOUR));
    });

    it("stores and overwrites key/value entries", async () => {
      expect(await store.getValue("k")).toBeUndefined();
      await store.setValue("k", "1");
      await store.setValue("k", "2");
      expect(await store.getValue("k")).toBe("2");
    });

    it.each([
      ["queued, started, completed", ["job-queued", "job-started", "job-completed"], "completed", ["created", "advanced", "advanced"]],
      ["started before queued (reordered)", ["job-started", "job-queued"], "in_progress", ["created", "unchanged"]],
      ["completed before anything else", ["job-completed", "job-started", "job-queued"], "completed", ["created", "unchanged", "unchanged"]],
      ["the same queued event twice", ["job-queued", "job-queued"], "queued", ["created", "unchanged"]],
    ] as const)("moves a job forward only: %s", async (_name, kinds, status, changes) => {
      const seen = [];
      for (const [i, kind] of kinds.entries()) seen.push((await store.applyJobEvent(jobEvent(kind, 7, i * 1000))).change);
      expect(seen).toEqual(changes);
      expect((await store.getJob(7))?.status).toBe(status);
    });

    it("fills the queue time from a late queued event without moving the job back", async () => {
      await store.applyJobEvent(jobEvent("job-started", 8, 60_000, "ci-abc"));
      await store.applyJobEvent(jobEvent("job-queued", 8, 0));
      expect(await store.getJob(8)).toEqual({
        id: 8, repository: "acme/app", labels: ["self-hosted", "linux"], status: "in_progress",
        queuedAt: at(0), startedAt: at(60_000), runnerName: "ci-abc", updatedAt: at(60_000),
      });
    });

    it("lists jobs by status, after an id, older than a time and up to a limit, in id order", async () => {
      for (const id of [5, 3, 9, 1]) await store.applyJobEvent(jobEvent("job-queued", id, id * 1000));
      await store.applyJobEvent(jobEvent("job-started", 9, 20_000));
      const ids = async (filter: Parameters<DemandStore["listJobs"]>[0]) => (await store.listJobs(filter)).map((j) => j.id);
      expect(await ids({})).toEqual([1, 3, 5, 9]);
      expect(await ids({ status: "queued" })).toEqual([1, 3, 5]);
      expect(await ids({ status: "queued", afterId: 1, limit: 1 })).toEqual([3]);
      expect(await ids({ updatedBefore: at(4000) })).toEqual([1, 3]);
      expect(await store.countJobs("queued")).toBe(3);
      expect(await store.countJobs("in_progress")).toBe(1);
    });

    it("gives each runner name to one claim only and finishes only creations still creating", async () => {
      expect(await store.claimCreation({ runnerName: "ci-1", owner: "a", at: at(0) })).toBe(true);
      expect(await store.claimCreation({ runnerName: "ci-1", owner: "b", at: at(1) })).toBe(false);
      expect(await store.claimCreation({ runnerName: "ci-2", owner: "b", at: at(2) })).toBe(true);
      expect(await store.finishCreation("ci-1", "created", at(3))).toBe(true);
      expect(await store.finishCreation("ci-1", "failed", at(4))).toBe(false);
      expect(await store.finishCreation("ci-unknown", "failed", at(4))).toBe(false);
      expect(await store.listCreations({ state: "creating" })).toEqual([{ runnerName: "ci-2", owner: "b", state: "creating", claimedAt: at(2) }]);
      expect((await store.listCreations({ owner: "a" })).map((c) => [c.runnerName, c.state, c.finishedAt])).toEqual([["ci-1", "created", at(3)]]);
    });

    it("prunes only what the retention says is no longer needed", async () => {
      await store.recordDelivery("old", at(0));
      await store.recordDelivery("new", at(3 * DAY + HOUR));
      await store.applyJobEvent(jobEvent("job-completed", 1, 0));
      await store.applyJobEvent(jobEvent("job-completed", 2, 3 * DAY));
      await store.applyJobEvent(jobEvent("job-queued", 3, 0));
      await store.applyJobEvent(jobEvent("job-queued", 4, 3 * DAY));
      await store.claimCreation({ runnerName: "done", owner: "a", at: at(0) });
      await store.finishCreation("done", "failed", at(0));
      await store.claimCreation({ runnerName: "stuck", owner: "a", at: at(0) });
      await store.claimCreation({ runnerName: "busy", owner: "a", at: at(3 * DAY) });
      const removed = await store.prune(at(3 * DAY + 2 * HOUR), { abandonedMs: 2 * DAY });
      expect(removed).toEqual({ deliveries: 1, jobs: 2, creations: 2 });
      expect((await store.listJobs()).map((j) => j.id)).toEqual([2, 4]);
      expect((await store.listCreations()).map((c) => c.runnerName)).toEqual(["busy"]);
      expect(await store.hasDelivery("new")).toBe(true);
    });

    it("undoes every write of a transaction that throws", async () => {
      const failure = store.transaction(async (tx) => {
        await tx.recordDelivery("guid-x", at(0));
        await tx.applyJobEvent(jobEvent("job-queued", 11));
        throw new Error("decided against it");
      });
      await expect(failure).rejects.toThrow("decided against it");
      expect(await store.hasDelivery("guid-x")).toBe(false);
      expect(await store.getJob(11)).toBeUndefined();
    });

    it("serializes concurrent read-decide-claim transactions so the budget is never exceeded", async () => {
      const budget = 5;
      const attempt = (i: number) =>
        store.transaction(async (tx) => {
          const inFlight = (await tx.listCreations({ state: "creating" })).length;
          await new Promise((resolve) => setImmediate(resolve));
          return inFlight < budget ? tx.claimCreation({ runnerName: `ci-${inFlight}`, owner: `caller-${i}`, at: at(i) }) : false;
        });
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i)));
      expect(results.filter(Boolean)).toHaveLength(budget);
      expect((await store.listCreations()).map((c) => c.runnerName).sort()).toEqual(["ci-0", "ci-1", "ci-2", "ci-3", "ci-4"]);
    });

    it("lets calls on the store inside a transaction join it instead of waiting for it", async () => {
      const status = await store.transaction(async () => {
        await store.applyJobEvent(jobEvent("job-queued", 12));
        return (await store.getJob(12))?.status;
      });
      expect(status).toBe("queued");
    });
  });
}
