import { describe, expect, it } from "vitest";
import { advanceJob, isForward } from "../../../src/demand/job-state.js";
import type { JobStatus } from "../../../src/demand/events.js";
import { jobEvent } from "./store-contract.js";

describe("advanceJob", () => {
  it.each([
    ["queued to in_progress", "queued", "in_progress", true],
    ["in_progress to completed", "in_progress", "completed", true],
    ["queued straight to completed (cancelled before it started)", "queued", "completed", true],
    ["in_progress back to queued", "in_progress", "queued", false],
    ["completed back to in_progress", "completed", "in_progress", false],
    ["a status to itself", "queued", "queued", false],
  ] as [string, JobStatus, JobStatus, boolean][])("treats %s as forward: %s", (_name, from, to, forward) => {
    expect(isForward(from, to)).toBe(forward);
  });

  it("creates a job from its first event, whichever it is", () => {
    const { change, job } = advanceJob(undefined, jobEvent("job-completed", 3, 5000, "ci-1"));
    expect(change).toBe("created");
    expect(job).toMatchObject({ id: 3, status: "completed", completedAt: new Date(jobEvent("job-queued", 3, 5000).at), runnerName: "ci-1" });
    expect(job.queuedAt).toBeUndefined();
  });

  it("returns the same record when an event repeats, so nothing needs writing", () => {
    const { job } = advanceJob(undefined, jobEvent("job-queued", 4));
    expect(advanceJob(job, jobEvent("job-queued", 4)).job).toBe(job);
  });

  it("keeps the runner that started the job when a completion names none", () => {
    const started = advanceJob(undefined, jobEvent("job-started", 5, 1000, "ci-7")).job;
    const completed = advanceJob(started, jobEvent("job-completed", 5, 2000)).job;
    expect(completed).toMatchObject({ status: "completed", runnerName: "ci-7", startedAt: started.startedAt });
  });

  it("never moves the latest-update time backwards for a late event", () => {
    const started = advanceJob(undefined, jobEvent("job-started", 6, 9000)).job;
    const late = advanceJob(started, jobEvent("job-queued", 6, 1000));
    expect(late.change).toBe("unchanged");
    expect(late.job.updatedAt).toEqual(started.updatedAt);
    expect(late.job.queuedAt).toEqual(jobEvent("job-queued", 6, 1000).at);
  });
});
