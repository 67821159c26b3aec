/**
 * The demand room's `ScaleSetService` port on the Actions service: find-or-create the fleet's
 * scale set (reference §1.3, §1.4), open its message session (§1.5), and delete the scale set when
 * the fleet goes. The session keeps its queue token to itself and, like the Go client, refreshes it
 * once on a 401 and retries (§1.6).
 */
import { ConfigError } from "../manager/errors.js";
import type { ScaleSetMessage, ScaleSetRef, ScaleSetService, ScaleSetSession, ScaleSetStatistics } from "../demand/ports.js";
import { QueueAuthError } from "../demand/scale-set-errors.js";
import { silentLogger, type Logger } from "../manager/ports.js";
import type { ActionsClient } from "./actions-client.js";
import { isActionsError } from "./actions-errors.js";
import type { WireSession } from "./actions-schemas.js";
import * as sessions from "./actions-sessions.js";

/** Options of `ActionsScaleSetService`. */
export interface ScaleSetServiceOptions {
  client: ActionsClient;
  /** The scale set's name: unique within its runner group (§1.4). */
  name: string;
  /** The runner group's name; "default" is id 1 (§1.3). */
  runnerGroup: string;
  /** Label names of the scale set (default: its name). */
  labels?: string[];
  logger?: Logger;
}

/** The fleet's scale set and its sessions on the Actions service. */
export class ActionsScaleSetService implements ScaleSetService {
  readonly #o: ScaleSetServiceOptions;
  #ref: Promise<ScaleSetRef> | undefined;

  constructor(options: ScaleSetServiceOptions) {
    this.#o = options;
  }

  /** Finds the scale set by (runner group, name), creating it or updating its labels as needed. */
  ensureScaleSet(): Promise<ScaleSetRef> {
    const ref = this.#ensure();
    this.#ref = ref;
    ref.catch(() => {
      if (this.#ref === ref) this.#ref = undefined;
    });
    return ref;
  }

  /** The scale set last ensured, ensuring it on first use (the platform's JIT configs need its id). */
  scaleSet(): Promise<ScaleSetRef> {
    return this.#ref ?? this.ensureScaleSet();
  }

  /** Forgets the scale set (it vanished), so the next `scaleSet()` finds or creates it again. */
  forget(): void {
    this.#ref = undefined;
  }

  /**
   * Deletes the fleet's scale set, looked up by (runner group, name) and never created for it:
   * `"gone"` when there is none, so a fleet whose scale set is already gone is removed fine. The
   * caller retires the scale set's runners first: GitHub refuses the deletion while one of them has
   * a job (ARC ADR 2022-10-27 "Lifetime of RunnerScaleSet on Service").
   */
  async deleteScaleSet(): Promise<"deleted" | "gone"> {
    const { client, name } = this.#o;
    this.#ref = undefined;
    let runnerGroupId: number;
    try {
      runnerGroupId = await client.runnerGroupId(this.#o.runnerGroup);
    } catch (error) {
      // No such runner group: no scale set can be in it.
      if (error instanceof ConfigError) return "gone";
      throw error;
    }
    const found = await client.findScaleSet(runnerGroupId, name);
    return found ? client.deleteScaleSet(found.id) : "gone";
  }

  /** Opens the scale set's message session; `SessionConflictError` while another holds it. */
  async openSession(scaleSetId: number, ownerName: string): Promise<ScaleSetSession> {
    const wire = await sessions.createSession(this.#o.client, scaleSetId, ownerName);
    return new ActionsScaleSetSession(this.#o.client, scaleSetId, wire, this.#o.logger ?? silentLogger);
  }

  async #ensure(): Promise<ScaleSetRef> {
    const { client, name, labels } = this.#o;
    const runnerGroupId = await client.runnerGroupId(this.#o.runnerGroup);
    const definition = { name, runnerGroupId, ...(labels ? { labels } : {}) };
    let found = await client.findScaleSet(runnerGroupId, name);
    if (!found) {
      try {
        found = await client.createScaleSet(definition);
      } catch (error) {
        // Another controller created it first (names are unique within a group): take theirs.
        found = isActionsError(error, "actions_api") && error.status === 409 ? await client.findScaleSet(runnerGroupId, name) : undefined;
        if (!found) throw error;
      }
    } else if (!sameLabels(found.labels?.map((l) => l.name) ?? [], labels && labels.length > 0 ? labels : [name])) {
      found = await client.updateScaleSetLabels(found.id, definition);
    }
    client.scaleSetId = found.id;
    return { id: found.id, name: found.name, runnerGroupId: found.runnerGroupId };
  }
}

/** An open session; the queue token lives here only. */
export class ActionsScaleSetSession implements ScaleSetSession {
  #wire: WireSession;

  constructor(
    private readonly client: ActionsClient,
    private readonly scaleSetId: number,
    wire: WireSession,
    private readonly logger: Logger,
  ) {
    this.#wire = wire;
  }

  /** The session id the service gave. */
  get id(): string {
    return this.#wire.sessionId;
  }

  /** The statistics of the last create or refresh. */
  get statistics(): ScaleSetStatistics {
    return this.#wire.statistics;
  }

  /** Long-polls the queue (202 → undefined). */
  async getMessage(lastMessageId: number, maxCapacity: number, signal?: AbortSignal): Promise<ScaleSetMessage | undefined> {
    const got = await this.#onceMore(() => sessions.getMessage(this.client, this.#wire, { lastMessageId, maxCapacity, ...(signal ? { signal } : {}) }));
    if (got && got.dropped > 0) this.logger.warn("scale set: dropped unreadable or unknown job messages", { messageId: got.message.id, dropped: got.dropped });
    return got?.message;
  }

  /** Acknowledges a message. */
  deleteMessage(messageId: number): Promise<void> {
    return this.#onceMore(() => sessions.deleteMessage(this.client, this.#wire, messageId));
  }

  /** Acquires job requests with the queue token. */
  async acquireJobs(runnerRequestIds: number[]): Promise<number[]> {
    if (runnerRequestIds.length === 0) return [];
    return this.#onceMore(() => sessions.acquireJobs(this.client, this.scaleSetId, this.#wire, runnerRequestIds));
  }

  /** A new queue token (PATCH). */
  async refresh(): Promise<void> {
    this.#wire = await sessions.refreshSession(this.client, this.scaleSetId, this.#wire.sessionId);
  }

  /** Deletes the session. */
  close(): Promise<void> {
    return sessions.deleteSession(this.client, this.scaleSetId, this.#wire.sessionId);
  }

  // A 401 from the queue: refresh the session and retry once; a second 401 propagates (§1.6).
  async #onceMore<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof QueueAuthError)) throw error;
      this.logger.debug("scale set: queue token refused; refreshing the session");
      await this.refresh();
      return call();
    }
  }
}

// --- internal ---

function sameLabels(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((label, i) => label === y[i]);
}
