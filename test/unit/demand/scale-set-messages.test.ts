import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../../src/demand/scale-set-backoff.js";
import { BoundedSet, JobEventMapper, toSnapshot } from "../../../src/demand/scale-set-messages.js";
import { job, stats } from "./scale-set-fakes.js";

const NOW = new Date("2026-12-03T12:00:00Z");

describe("JobEventMapper", () => {
  it("keys events on a decimal jobId, which matches workflow_job.id", () => {
    const event = new JobEventMapper().toEvent(job("JobStarted", 5, { jobId: "29679449", runnerName: "fleet-a" }), NOW);
    expect(event).toStrictEqual({ kind: "job-started", jobId: 29679449, repository: "acme/app", labels: ["linux"], at: NOW, source: "scale-set", runnerName: "fleet-a" });
  });

  it("falls back to the runnerRequestId when jobId is not a decimal number", () => {
    const mapper = new JobEventMapper();
    expect(mapper.toEvent(job("JobStarted", 5, { jobId: "6fc0f0b0-guid", runnerName: "a" }), NOW)?.jobId).toBe(5);
    expect(mapper.toEvent(job("JobStarted", 6, { jobId: "", runnerName: "a" }), NOW)?.jobId).toBe(6);
  });

  it("gives every message of one job request the key its first message had", () => {
    const mapper = new JobEventMapper();
    mapper.toEvent(job("JobStarted", 5, { jobId: "", runnerName: "a" }), NOW);
    expect(mapper.toEvent(job("JobCompleted", 5, { jobId: "77", runnerName: "a", result: "succeeded" }), NOW)).toMatchObject({ jobId: 5, conclusion: "succeeded" });
  });

  it("forwards a repeated transition once", () => {
    const mapper = new JobEventMapper();
    const started = job("JobStarted", 5, { runnerName: "a" });
    expect(mapper.toEvent(started, NOW)).toBeDefined();
    expect(mapper.toEvent(started, NOW)).toBeUndefined();
  });

  it("ignores JobAvailable, JobAssigned and a JobCompleted no runner ever took", () => {
    const mapper = new JobEventMapper();
    expect(mapper.toEvent(job("JobAvailable", 1), NOW)).toBeUndefined();
    expect(mapper.toEvent(job("JobAssigned", 1), NOW)).toBeUndefined();
    expect(mapper.toEvent(job("JobCompleted", 1, { result: "canceled" }), NOW)).toBeUndefined();
  });

  it("uses the message's own timestamp when it has one", () => {
    const at = new Date("2026-12-03T11:59:00Z");
    expect(new JobEventMapper().toEvent(job("JobStarted", 1, { runnerName: "a", at }), NOW)?.at).toBe(at);
  });
});

describe("toSnapshot", () => {
  it("turns statistics into an absolute scale-set snapshot", () => {
    expect(toSnapshot({ ...stats(4, 2), registeredRunners: 3, busyRunners: 2, idleRunners: 1 }, NOW)).toStrictEqual({
      source: "scale-set", at: NOW, assignedJobs: 4, runningJobs: 2, registeredRunners: 3, busyRunners: 2, idleRunners: 1,
    });
  });
});

describe("BoundedSet", () => {
  it("forgets its oldest members past its limit", () => {
    const set = new BoundedSet<number>(2);
    expect([set.add(1), set.add(2), set.add(1), set.add(3)]).toStrictEqual([true, true, false, true]);
    expect([set.has(1), set.has(2), set.has(3)]).toStrictEqual([false, true, true]);
  });
});

describe("backoffDelay", () => {
  it.each([
    { failures: 1, random: 0, delay: 500 },
    { failures: 1, random: 1, delay: 1000 },
    { failures: 3, random: 1, delay: 4000 },
    { failures: 20, random: 1, delay: 60_000 },
    { failures: 20, random: 0, delay: 30_000 },
  ])("waits $delay ms after $failures failures with random $random", ({ failures, random, delay }) => {
    expect(backoffDelay(failures, {}, () => random)).toBe(delay);
  });
});
