import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueueAuthError } from "../../../src/demand/scale-set-errors.js";
import { createScaleSetSource, type ScaleSetSource, type ScaleSetSourceOptions } from "../../../src/demand/scale-set-source.js";
import { STANDBY_DETAIL } from "../../../src/demand/scale-set-status.js";
import { ConfigError, GitHubApiError } from "../../../src/manager/errors.js";
import { FakeScaleSetService, job, LoggingSink, stats } from "./scale-set-fakes.js";

let service: FakeScaleSetService;
let sink: LoggingSink;
let delays: number[];
const sources: ScaleSetSource[] = [];

function listener(options: Partial<ScaleSetSourceOptions> = {}): ScaleSetSource {
  const source = createScaleSetSource({
    service,
    maxCapacity: 5,
    ownerName: "host-a",
    random: () => 0.5,
    // A real, tiny wait: loops yield without the test depending on how long anything takes.
    sleep: (ms, signal) => (delays.push(ms), new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 1);
      signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    })),
    ...options,
  });
  sources.push(source);
  return source;
}
const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 5000, interval: 2 });

beforeEach(() => {
  service = new FakeScaleSetService();
  sink = new LoggingSink(service.log);
  delays = [];
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
});

describe("createScaleSetSource session", () => {
  it("opens the session, sends its statistics as the first snapshot, then long-polls", async () => {
    service.initial = stats(3, 1);
    const source = listener();
    await source.start(sink);
    expect(source.isActive()).toBe(true);
    expect(source.status()).toStrictEqual({ connected: true, detail: "listening on scale set 'fleet' (id 7)" });
    expect(service.log).toStrictEqual(["open s1 7 host-a", "snapshot 3"]);
    expect(sink.snapshots[0]).toMatchObject({ source: "scale-set", assignedJobs: 3, runningJobs: 1 });
    await until(() => service.polls.length === 1);
    expect(service.polls[0]).toStrictEqual({ sessionId: "s1", lastMessageId: 0, maxCapacity: 5 });
  });

  it("waits on standby while another controller holds the session and takes over once it is deleted", async () => {
    service.holder = "other";
    const source = listener();
    await source.start(sink);
    expect(source.isActive()).toBe(false);
    expect(source.status()).toStrictEqual({ connected: true, detail: STANDBY_DETAIL });
    await until(() => delays.length >= 8);
    expect(sink.snapshots).toHaveLength(0);
    // Jittered doubling from 1 s, capped at 5 s on standby (random 0.5 → three quarters of the step).
    expect(delays.slice(0, 8)).toStrictEqual([750, 1500, 3000, 3750, 3750, 3750, 3750, 3750]);
    service.release();
    await until(() => source.isActive());
    expect(service.opened).toStrictEqual(["s1"]);
    expect(source.status().detail).toBe("listening on scale set 'fleet' (id 7)");
  });

  it("hands the session to the standby when the active listener stops", async () => {
    const active = listener();
    const standby = listener({ ownerName: "host-b" });
    await active.start(sink);
    await standby.start(new LoggingSink([]));
    expect(standby.status().detail).toBe(STANDBY_DETAIL);
    await active.stop();
    expect(service.closed).toStrictEqual(["s1"]);
    await until(() => standby.isActive());
    expect(service.log).toContain("open s2 7 host-b");
  });

  it("opens a new session when the service lost the old one, polling from the start again", async () => {
    const source = listener();
    await source.start(sink);
    service.push([]);
    await until(() => service.log.includes("ack 1"));
    service.dropSession();
    await until(() => service.opened.length === 2 && service.polls.some((p) => p.sessionId === "s2"));
    expect(service.polls.find((p) => p.sessionId === "s2")?.lastMessageId).toBe(0);
    expect(source.isActive()).toBe(true);
  });

  it("refreshes the session when the queue still refuses its token after the adapter's retry", async () => {
    const source = listener();
    service.script.push(new QueueAuthError("401"));
    await source.start(sink);
    await until(() => service.log.includes("refresh s1"));
    service.push([job("JobAvailable", 1)]);
    await until(() => service.acquired.length === 1);
    expect(service.opened).toStrictEqual(["s1"]);
  });

  it("keeps retrying other failures with backoff, reporting them until it connects", async () => {
    service.ensureFailures.push(new GitHubApiError("GitHub answered 502", 502), new GitHubApiError("GitHub answered 502", 502));
    const source = listener();
    await source.start(sink);
    expect(source.status().connected).toBe(false);
    await until(() => source.isActive());
    expect(delays.slice(0, 2)).toStrictEqual([750, 1500]);
    expect(source.status().connected).toBe(true);
  });

  it("fails start on a configuration error of the first attempt", async () => {
    service.ensureFailures.push(new ConfigError([{ path: "github.runnerGroup", message: "runner group 'gpu' does not exist" }]));
    await expect(listener().start(sink)).rejects.toBeInstanceOf(ConfigError);
    expect(service.opened).toStrictEqual([]);
  });

  it("deletes its session on stop and resolves only once the loop has ended", async () => {
    const source = listener();
    await source.start(sink);
    await until(() => service.polls.length === 1);
    await source.stop();
    expect(service.closed).toStrictEqual(["s1"]);
    expect(service.holder).toBeUndefined();
    expect(source.status()).toStrictEqual({ connected: false, detail: "scale-set listener stopped" });
    const seen = service.log.length;
    service.push([job("JobAvailable", 1)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.log).toHaveLength(seen);
  });

  it("leaves the other controller's session alone when it stops on standby", async () => {
    service.holder = "other";
    const source = listener();
    await source.start(sink);
    await source.stop();
    expect(service.closed).toStrictEqual([]);
    expect(service.holder).toBe("other");
  });
});

describe("createScaleSetSource messages", () => {
  it("records the snapshot first, then acknowledges, then acquires, then forwards job events", async () => {
    const source = listener();
    await source.start(sink);
    service.push([job("JobAvailable", 1), job("JobStarted", 2, { runnerName: "fleet-a" }), job("JobCompleted", 3, { runnerName: "fleet-b", result: "succeeded" })], stats(4, 2));
    await until(() => service.log.some((l) => l.startsWith("event job-completed")));
    expect(service.log.slice(2)).toStrictEqual(["snapshot 4", "ack 1", "acquire 1", "event job-started 1002 fleet-a", "event job-completed 1003 fleet-b"]);
    expect(sink.events[1]).toMatchObject({ kind: "job-completed", source: "scale-set", repository: "acme/app", conclusion: "succeeded" });
  });

  it("acquires each JobAvailable request once and forwards neither JobAssigned nor cancelled assignments", async () => {
    const source = listener();
    await source.start(sink);
    service.push([job("JobAvailable", 1), job("JobAvailable", 2), job("JobAvailable", 1), job("JobAssigned", 4), job("JobCompleted", 4, { result: "canceled" })]);
    await until(() => service.log.includes("ack 1"));
    await until(() => service.polls.some((p) => p.lastMessageId === 1));
    expect(service.acquired).toStrictEqual([[1, 2]]);
    expect(sink.events).toStrictEqual([]);
  });

  it("polls after the last acknowledged message", async () => {
    const source = listener();
    await source.start(sink);
    service.push([]);
    service.push([]);
    await until(() => service.polls.some((p) => p.lastMessageId === 2));
    expect(service.polls.map((p) => p.lastMessageId)).toStrictEqual([0, 1, 2]);
  });

  it("sends the last statistics again after every 202", async () => {
    service.initial = stats(2);
    service.script.push("202", "202");
    const source = listener();
    await source.start(sink);
    service.push([], stats(6));
    await until(() => service.log.includes("ack 1"));
    service.script.push("202");
    service.wake();
    await until(() => sink.snapshots.length === 5);
    expect(sink.snapshots.map((s) => s.assignedJobs)).toStrictEqual([2, 2, 2, 6, 6]);
  });

  it("does not acknowledge a message whose snapshot failed, and handles its redelivery once", async () => {
    sink.failSnapshots = 0;
    const source = listener();
    await source.start(sink);
    sink.failSnapshots = 1;
    service.push([job("JobAvailable", 1), job("JobStarted", 2, { runnerName: "fleet-a" })]);
    await until(() => service.log.includes("ack 1"));
    await until(() => sink.events.length === 1);
    expect(service.polls.slice(0, 2).map((p) => p.lastMessageId)).toStrictEqual([0, 0]);
    expect(service.acquired).toStrictEqual([[1]]);
    expect(service.log.filter((l) => l.startsWith("ack"))).toStrictEqual(["ack 1"]);
  });

  it("handles a message redelivered after a failed acknowledgement without repeating its jobs", async () => {
    const source = listener();
    await source.start(sink);
    service.failAcks = 1;
    service.push([job("JobAvailable", 1), job("JobStarted", 2, { runnerName: "fleet-a" })]);
    await until(() => service.log.includes("ack 1"));
    await until(() => sink.events.length === 1);
    expect(sink.snapshots.map((s) => s.assignedJobs)).toStrictEqual([0, 2, 2]);
    expect(service.acquired).toStrictEqual([[1]]);
  });

  it("forwards a job event only once when another message repeats it", async () => {
    const source = listener();
    await source.start(sink);
    service.push([job("JobStarted", 2, { runnerName: "fleet-a" })]);
    service.push([job("JobStarted", 2, { runnerName: "fleet-a" })]);
    await until(() => service.log.includes("ack 2"));
    expect(sink.events).toHaveLength(1);
  });

  it("announces the capacity set by setMaxCapacity from the next poll on", async () => {
    const source = listener();
    await source.start(sink);
    await until(() => service.polls.length === 1);
    source.setMaxCapacity(2);
    expect(source.maxCapacity).toBe(2);
    service.push([]);
    await until(() => service.polls.length === 2);
    expect(service.polls.map((p) => p.maxCapacity)).toStrictEqual([5, 2]);
    expect(() => source.setMaxCapacity(-1)).toThrow(ConfigError);
  });

  it("keeps going when the sink fails an event: the statistics already carry the demand", async () => {
    const source = listener();
    await source.start(sink);
    sink.event = async () => Promise.reject(new Error("sink down"));
    service.push([job("JobStarted", 2, { runnerName: "fleet-a" })]);
    service.push([]);
    await until(() => service.log.includes("ack 2"));
    expect(source.status().connected).toBe(true);
  });
});
