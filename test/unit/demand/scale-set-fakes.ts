/**
 * An in-memory fake of the `ScaleSetService` port: one session per scale set (409 while held),
 * a shared queue redelivered until acknowledged, long polls that wait for a push or an abort,
 * and scripted faults. `log` records the order of everything the listener did.
 */
import type { DemandEvent, DemandSnapshot } from "../../../src/demand/events.js";
import type { DemandSink, ScaleSetJobMessage, ScaleSetMessage, ScaleSetRef, ScaleSetService, ScaleSetSession, ScaleSetStatistics } from "../../../src/demand/ports.js";
import { QueueAuthError, SessionConflictError, SessionLostError } from "../../../src/demand/scale-set-errors.js";

export const stats = (assignedJobs: number, runningJobs = 0): ScaleSetStatistics => ({
  availableJobs: 0, acquiredJobs: 0, assignedJobs, runningJobs, registeredRunners: 0, busyRunners: 0, idleRunners: 0,
});

export const job = (type: ScaleSetJobMessage["type"], runnerRequestId: number, extra: Partial<ScaleSetJobMessage> = {}): ScaleSetJobMessage => ({
  type, runnerRequestId, jobId: String(1000 + runnerRequestId), repository: "acme/app", labels: ["linux"], ...extra,
});

export interface Poll { sessionId: string; lastMessageId: number; maxCapacity: number }

export class FakeScaleSetService implements ScaleSetService {
  readonly ref: ScaleSetRef = { id: 7, name: "fleet", runnerGroupId: 1 };
  readonly log: string[] = [];
  readonly polls: Poll[] = [];
  readonly queue: ScaleSetMessage[] = [];
  readonly acquired: number[][] = [];
  readonly opened: string[] = [];
  readonly closed: string[] = [];
  /** The session holding the scale set ("other" for another controller's). */
  holder: string | undefined;
  initial = stats(0);
  /** Thrown by the next `ensureScaleSet` calls, one each. */
  ensureFailures: Error[] = [];
  /** Answers for the next polls before the queue is looked at: "202", or an error to throw. */
  script: ("202" | Error)[] = [];
  failAcks = 0;
  lost = new Set<string>();
  #sessions = 0;
  #wake: (() => void)[] = [];

  async ensureScaleSet(): Promise<ScaleSetRef> {
    const failure = this.ensureFailures.shift();
    if (failure) throw failure;
    return this.ref;
  }

  async openSession(scaleSetId: number, ownerName: string): Promise<ScaleSetSession> {
    if (this.holder) throw new SessionConflictError("held");
    const id = `s${++this.#sessions}`;
    this.holder = id;
    this.opened.push(id);
    this.log.push(`open ${id} ${scaleSetId} ${ownerName}`);
    return new FakeSession(this, id);
  }

  /** Queues a message; its id follows the last one. */
  push(jobs: ScaleSetJobMessage[], statistics = stats(jobs.length)): number {
    const id = (this.queue.at(-1)?.id ?? 0) + 1;
    this.queue.push({ id, statistics, jobs });
    this.wake();
    return id;
  }

  /** Another controller frees the session (stop, or its session lapses). */
  release(): void {
    this.holder = undefined;
  }

  /** The service drops the current session: its calls answer 404 from now on. */
  dropSession(): void {
    if (this.holder) this.lost.add(this.holder);
    this.holder = undefined;
    this.wake();
  }

  wake(): void {
    for (const resolve of this.#wake.splice(0)) resolve();
  }

  waitForChange(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      this.#wake.push(resolve);
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }
}

class FakeSession implements ScaleSetSession {
  refreshed = 0;
  constructor(private readonly fake: FakeScaleSetService, readonly id: string) {}

  get statistics(): ScaleSetStatistics {
    return this.fake.initial;
  }

  async getMessage(lastMessageId: number, maxCapacity: number, signal?: AbortSignal): Promise<ScaleSetMessage | undefined> {
    for (;;) {
      this.#check();
      this.fake.polls.push({ sessionId: this.id, lastMessageId, maxCapacity });
      const scripted = this.fake.script.shift();
      if (scripted === "202") return undefined;
      if (scripted) throw scripted;
      const next = this.fake.queue.find((m) => m.id > lastMessageId);
      if (next) return structuredClone(next);
      await this.fake.waitForChange(signal);
      this.fake.polls.pop();
    }
  }

  async deleteMessage(messageId: number): Promise<void> {
    this.#check();
    if (this.fake.failAcks > 0 && this.fake.failAcks--) throw new Error("ack failed");
    this.fake.log.push(`ack ${messageId}`);
    const index = this.fake.queue.findIndex((m) => m.id === messageId);
    if (index >= 0) this.fake.queue.splice(index, 1);
  }

  async acquireJobs(ids: number[]): Promise<number[]> {
    this.#check();
    this.fake.acquired.push(ids);
    this.fake.log.push(`acquire ${ids.join(",")}`);
    return ids;
  }

  async refresh(): Promise<void> {
    this.#check();
    this.refreshed++;
    this.fake.log.push(`refresh ${this.id}`);
  }

  async close(): Promise<void> {
    this.fake.closed.push(this.id);
    this.fake.log.push(`close ${this.id}`);
    if (this.fake.holder === this.id) this.fake.holder = undefined;
  }

  #check(): void {
    if (this.fake.lost.has(this.id)) throw new SessionLostError("gone");
  }
}

/** A sink that records, in the fake's log too, and can fail its next snapshots. */
export class LoggingSink implements DemandSink {
  readonly events: DemandEvent[] = [];
  readonly snapshots: DemandSnapshot[] = [];
  failSnapshots = 0;
  constructor(private readonly log: string[]) {}
  async event(event: DemandEvent): Promise<void> {
    this.events.push(event);
    this.log.push(`event ${event.kind} ${event.jobId} ${"runnerName" in event ? event.runnerName : ""}`);
  }
  async snapshot(snapshot: DemandSnapshot): Promise<void> {
    if (this.failSnapshots > 0 && this.failSnapshots--) throw new Error("store down");
    this.snapshots.push(snapshot);
    this.log.push(`snapshot ${snapshot.assignedJobs}`);
  }
}

export { QueueAuthError };
