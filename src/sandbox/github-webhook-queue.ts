/**
 * The outbox of webhook deliveries. Sending never blocks the world's tick: the world only pushes
 * here, and at most `concurrency` attempts run at once from a queue of at most `limit`. Attempts
 * with the same key (one job on one hook) go out one after another, in order, unless one is held
 * back to be overtaken (the reorder fault) or waits out its delay (which delays its followers too).
 */

/** One attempt waiting to be sent. */
export interface QueuedAttempt {
  /** Attempts sharing a key are sent in order (one job's transitions to one hook). */
  key: string;
  delayMs: number;
  /** Held back until a later attempt with the same key has been sent (or the hold window ends). */
  hold: boolean;
  /** Sends the attempt and records it; `signal` aborts when the queue closes. */
  run(signal: AbortSignal): Promise<void>;
}

/** How the outbox is bounded. */
export interface QueueLimits {
  concurrency: number;
  limit: number;
  /** Longest a held attempt waits for a later one to overtake it, in ms. */
  holdMs: number;
}

/** A bounded, per-key ordered, concurrent outbox. */
export class DeliveryQueue {
  private items: Item[] = [];
  private running = new Set<string>();
  private active = 0;
  private seq = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly limits: QueueLimits) {}

  /** Queues an attempt; false when the queue is full (or closed) and the attempt was not taken. */
  push(attempt: QueuedAttempt): boolean {
    if (this.closed || this.items.length >= this.limits.limit) return false;
    const item: Item = { attempt, seq: this.seq++, ready: attempt.delayMs <= 0, held: attempt.hold };
    this.items.push(item);
    if (!item.ready) this.after(attempt.delayMs, () => (item.ready = true));
    if (item.held) this.after(this.limits.holdMs, () => (item.held = false));
    this.pump();
    return true;
  }

  /** Attempts queued, delayed, held or running. */
  size(): number {
    return this.items.length + this.active;
  }

  /** Resolves once nothing is queued, delayed, held or running. */
  idle(): Promise<void> {
    if (this.size() === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops everything queued and aborts what runs; later pushes are refused. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.items = [];
    this.abort.abort();
    this.settle();
  }

  // --- internal ---

  private after(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      then();
      this.pump();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private pump(): void {
    const blocked = new Set<string>(this.running);
    for (const item of [...this.items]) {
      if (this.active >= this.limits.concurrency) break;
      const { key } = item.attempt;
      // A held attempt lets later ones with its key pass; any other waiting attempt blocks them.
      if (item.held) continue;
      if (blocked.has(key) || !item.ready) {
        blocked.add(key);
        continue;
      }
      blocked.add(key);
      this.start(item);
    }
    this.settle();
  }

  private start(item: Item): void {
    this.items = this.items.filter((i) => i !== item);
    const { key } = item.attempt;
    this.active += 1;
    this.running.add(key);
    void item.attempt
      .run(this.abort.signal)
      .catch(() => undefined)
      .finally(() => {
        this.active -= 1;
        this.running.delete(key);
        // The overtaking attempt has been sent: release what was held back for it (queued before it).
        for (const i of this.items) if (i.attempt.key === key && i.seq < item.seq) i.held = false;
        this.pump();
      });
  }

  private settle(): void {
    if (this.size() > 0 && !this.closed) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

interface Item {
  attempt: QueuedAttempt;
  seq: number;
  ready: boolean;
  held: boolean;
}
