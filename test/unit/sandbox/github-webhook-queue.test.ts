import { afterEach, describe, expect, it } from "vitest";
import { DeliveryQueue, type QueuedAttempt } from "../../../src/sandbox/github-webhook-queue.js";

// The outbox with attempts the test finishes by hand, so order and concurrency are observable.

interface Harness {
  queue: DeliveryQueue;
  started: string[];
  running: Map<string, () => void>;
  maxActive: number;
  push(name: string, key: string, opts?: Partial<Pick<QueuedAttempt, "delayMs" | "hold">>): boolean;
  finish(name: string): Promise<void>;
}

let harness: Harness | undefined;
afterEach(() => harness?.queue.close());

function setUp(limits = { concurrency: 4, limit: 100, holdMs: 60_000 }): Harness {
  const queue = new DeliveryQueue(limits);
  const started: string[] = [];
  const running = new Map<string, () => void>();
  const h: Harness = {
    queue,
    started,
    running,
    maxActive: 0,
    push(name, key, opts = {}) {
      return queue.push({
        key,
        delayMs: opts.delayMs ?? 0,
        hold: opts.hold ?? false,
        run: (signal) =>
          new Promise<void>((resolve) => {
            started.push(name);
            running.set(name, resolve);
            h.maxActive = Math.max(h.maxActive, running.size);
            signal.addEventListener("abort", () => resolve());
          }),
      });
    },
    async finish(name) {
      const done = running.get(name);
      if (done === undefined) throw new Error(`${name} is not running (started: ${started.join(", ")})`);
      running.delete(name);
      done();
      // Let the queue's finally() run and start what was waiting.
      await new Promise((r) => setImmediate(r));
    },
  };
  harness = h;
  return h;
}

describe("the webhook outbox", () => {
  it("sends attempts with one key one after another, in the order they came", async () => {
    const h = setUp();
    h.push("queued", "job-1");
    h.push("in_progress", "job-1");
    h.push("other", "job-2");
    expect(h.started).toStrictEqual(["queued", "other"]);
    await h.finish("queued");
    expect(h.started).toStrictEqual(["queued", "other", "in_progress"]);
  });

  it("lets a later attempt overtake a held one, then sends the held one", async () => {
    const h = setUp();
    h.push("queued", "job-1", { hold: true });
    h.push("in_progress", "job-1");
    h.push("completed", "job-1");
    expect(h.started).toStrictEqual(["in_progress"]);
    await h.finish("in_progress");
    expect(h.started).toStrictEqual(["in_progress", "queued"]);
    await h.finish("queued");
    expect(h.started).toStrictEqual(["in_progress", "queued", "completed"]);
  });

  it("releases a held attempt that nothing overtakes once the hold window ends", async () => {
    const h = setUp({ concurrency: 4, limit: 100, holdMs: 10 });
    h.push("queued", "job-1", { hold: true });
    expect(h.started).toStrictEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.started).toStrictEqual(["queued"]);
  });

  it("never runs more attempts at once than its concurrency", async () => {
    const h = setUp({ concurrency: 2, limit: 100, holdMs: 0 });
    for (const n of [1, 2, 3, 4, 5]) h.push(`a${n}`, `job-${n}`);
    expect(h.started).toStrictEqual(["a1", "a2"]);
    await h.finish("a1");
    await h.finish("a2");
    await h.finish("a3");
    await h.finish("a4");
    await h.finish("a5");
    expect(h.started).toStrictEqual(["a1", "a2", "a3", "a4", "a5"]);
    expect(h.maxActive).toBe(2);
  });

  it("refuses attempts beyond its limit", () => {
    const h = setUp({ concurrency: 1, limit: 2, holdMs: 0 });
    expect([h.push("a", "k1"), h.push("b", "k2"), h.push("c", "k3"), h.push("d", "k4")]).toStrictEqual([true, true, true, false]);
  });

  it("is idle only when nothing is queued or running, and a delayed attempt waits its delay", async () => {
    const h = setUp();
    let idle = false;
    h.push("late", "job-1", { delayMs: 20 });
    void h.queue.idle().then(() => (idle = true));
    expect(h.started).toStrictEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(h.started).toStrictEqual(["late"]);
    expect(idle).toBe(false);
    await h.finish("late");
    expect(idle).toBe(true);
    expect(h.queue.size()).toBe(0);
  });

  it("drops what waits and refuses new attempts once closed", async () => {
    const h = setUp({ concurrency: 1, limit: 10, holdMs: 0 });
    h.push("a", "k1");
    h.push("b", "k2");
    h.queue.close();
    await h.queue.idle();
    expect(h.push("c", "k3")).toBe(false);
    expect(h.started).toStrictEqual(["a"]);
  });
});
