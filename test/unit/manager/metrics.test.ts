import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { countEvents, formatEvent, mergeStats, runnerEvents } from "../../../src/manager/metrics.js";
import { JsonLinesMetricsFile } from "../../../src/manager/metrics-file.js";
import type { IssuedMetricEventsStats } from "../../../src/manager/types.js";

const created = new Date(1_000_000 * 1000);
const full = {
  installed: { timestamp: 1_000_030 },
  preJob: { timestamp: 1_000_050, workflow: "ci", repository: "acme/app", event: "push", workflowRunId: "9" },
  postJob: { timestamp: 1_000_110, status: "normal" },
};

describe("runnerEvents", () => {
  it("issues installed, start and stop with upstream's field names and values", () => {
    const job = { createdAt: new Date(1_000_040 * 1000), startedAt: new Date(1_000_049 * 1000), conclusion: "success" };
    expect(runnerEvents("small", created, full, job)).toEqual([
      { event: "runner_installed", timestamp: 1_000_030, flavor: "small", duration: 30 },
      {
        event: "runner_start", timestamp: 1_000_050, flavor: "small", workflow: "ci", repo: "acme/app", github_event: "push",
        idle: 20, queue_duration: 9,
      },
      {
        event: "runner_stop", timestamp: 1_000_110, flavor: "small", workflow: "ci", repo: "acme/app", github_event: "push",
        status: "normal", status_info: null, job_duration: 60, job_conclusion: "success",
      },
    ]);
  });

  it("clamps negative idle, queue and job durations to zero", () => {
    const odd = {
      installed: { timestamp: 1_000_060 },
      preJob: { ...full.preJob, timestamp: 1_000_050 },
      postJob: { timestamp: 1_000_040, status: "normal" },
    };
    const job = { createdAt: new Date(1_000_050 * 1000), startedAt: new Date(1_000_049 * 1000), conclusion: null };
    const [, start, stop] = runnerEvents("small", created, odd, job);
    expect(start).toMatchObject({ idle: 0, queue_duration: 0 });
    expect(stop).toMatchObject({ job_duration: 0, job_conclusion: null });
  });

  it("issues start with a null queue duration when GitHub no longer knows the job", () => {
    const [, start] = runnerEvents("small", created, full, undefined);
    expect(start).toMatchObject({ queue_duration: null });
  });

  it("issues only installed when the runner never got a job", () => {
    expect(runnerEvents("small", created, { installed: full.installed }, undefined).map((e) => e.event)).toEqual(["runner_installed"]);
  });

  it("issues nothing when the runner never installed", () => {
    expect(runnerEvents("small", created, { postJob: full.postJob }, undefined)).toEqual([]);
  });

  it("issues no stop without a pre-job marker", () => {
    const events = runnerEvents("small", created, { installed: full.installed, postJob: full.postJob }, undefined);
    expect(events.map((e) => e.event)).toEqual(["runner_installed"]);
  });
});

describe("metric stats", () => {
  it("counts each event type once per runner and merges dictionaries by summing", () => {
    const a: IssuedMetricEventsStats = {};
    countEvents(a, runnerEvents("s", created, full, undefined));
    countEvents(a, runnerEvents("s", created, { installed: full.installed }, undefined));
    expect(a).toEqual({ runner_installed: 2, runner_start: 1, runner_stop: 1 });
    expect(mergeStats(a, { runner_stop: 2, reconciliation: 1 })).toEqual({
      runner_installed: 2, runner_start: 1, runner_stop: 3, reconciliation: 1,
    });
  });
});

describe("JsonLinesMetricsFile", () => {
  it("appends one JSON line per event, in order, creating the folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rf-metrics-"));
    const file = new JsonLinesMetricsFile(join(dir, "nested", "metrics.log"));
    const events = runnerEvents("small", created, full, undefined);
    await Promise.all(events.map((e) => file.issue(e)));
    const lines = (await readFile(file.path, "utf8")).trimEnd().split("\n");
    expect(lines).toEqual(events.map(formatEvent));
    expect(JSON.parse(lines[0] as string)).toEqual({ event: "runner_installed", timestamp: 1_000_030, flavor: "small", duration: 30 });
  });
});
