import { beforeEach, describe, expect, it } from "vitest";
import type { RemoteJobStatus } from "../../../src/demand/ports.js";
import { reconcileQueuedJobs } from "../../../src/demand/recovery.js";
import { FakeJobLookup, MemoryDemandStore, RecordingSink } from "./fakes.js";
import { jobEvent } from "./store-contract.js";

const HOUR = 60 * 60 * 1000;
// jobEvent times are 2026-12-01T12:00Z + ms; "now" is an hour later, so every job is old enough.
const NOW = new Date(new Date("2026-12-01T12:00:00Z").getTime() + HOUR);

describe("reconcileQueuedJobs", () => {
  let store: MemoryDemandStore;
  let jobs: FakeJobLookup;
  let sink: RecordingSink;
  const reconcile = (extra: Partial<Parameters<typeof reconcileQueuedJobs>[0]> = {}) =>
    reconcileQueuedJobs({ jobs, store, sink, now: () => NOW, ...extra });
  beforeEach(() => {
    store = new MemoryDemandStore();
    jobs = new FakeJobLookup();
    sink = new RecordingSink();
  });

  it.each([
    ["still queued", "queued", "queued", []],
    ["taken by a runner", "in_progress", "in_progress", ["job-started"]],
    ["finished", "completed", "completed", ["job-completed"]],
    ["gone from GitHub", "gone", "completed", ["job-completed"]],
  ] as [string, RemoteJobStatus, string, string[]][])("moves a queued job GitHub reports %s to %s", async (_name, remote, local, told) => {
    await store.applyJobEvent(jobEvent("job-queued", 1));
    jobs.statuses.set(1, remote);
    await reconcile();
    expect((await store.getJob(1))?.status).toBe(local);
    expect(sink.events.map((e) => [e.kind, e.source])).toEqual(told.map((kind) => [kind, "reconcile"]));
  });

  it("skips jobs whose last news is younger than the minimum age", async () => {
    await store.applyJobEvent(jobEvent("job-queued", 1, 0));
    await store.applyJobEvent(jobEvent("job-queued", 2, HOUR - 1000));
    await reconcile({ minAgeMs: 60_000 });
    expect(jobs.lookups).toEqual([1]);
  });

  it("checks only the statuses asked for, so a lost completion is caught when in_progress is included", async () => {
    await store.applyJobEvent(jobEvent("job-started", 1));
    jobs.statuses.set(1, "completed");
    await reconcile();
    expect(jobs.lookups).toEqual([]);
    await reconcile({ statuses: ["queued", "in_progress"] });
    expect((await store.getJob(1))?.status).toBe("completed");
  });

  it("walks every job across passes of at most `limit`, wrapping around", async () => {
    for (const id of [1, 2, 3, 4, 5]) {
      await store.applyJobEvent(jobEvent("job-queued", id));
      jobs.statuses.set(id, "queued");
    }
    for (let pass = 0; pass < 3; pass++) await reconcile({ limit: 2 });
    expect(jobs.lookups).toEqual([1, 2, 3, 4, 5, 1]);
  });

  it("never has more lookups in flight than the concurrency allows", async () => {
    let inFlight = 0;
    let most = 0;
    const slow = {
      async jobStatus(): Promise<RemoteJobStatus> {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return "queued";
      },
    };
    for (let id = 1; id <= 10; id++) await store.applyJobEvent(jobEvent("job-queued", id));
    const result = await reconcile({ jobs: slow, concurrency: 3 });
    expect(most).toBe(3);
    expect(result).toEqual({ checked: 10, advanced: 0, failed: 0 });
  });

  it("counts a failed lookup and still moves the other jobs forward", async () => {
    for (const id of [1, 2]) await store.applyJobEvent(jobEvent("job-queued", id));
    jobs.failFor.add(1);
    jobs.statuses.set(2, "completed");
    expect(await reconcile()).toEqual({ checked: 2, advanced: 1, failed: 1 });
    expect((await store.getJob(1))?.status).toBe("queued");
  });
});
