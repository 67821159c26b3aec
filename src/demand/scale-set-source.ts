/**
 * The scale-set listener as a `DemandSource` (reference §1.5–§1.10; ARC's listener is the model):
 * ensure the scale set, open the session (409 → hot standby), long-poll with `lastMessageId`,
 * and hand each message to scale-set-handler.ts. Failures are retried with backoff; a service
 * never exits on its own. The scaler is not here: the sink gets statistics and job events.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { ConfigError, describeError, FleetError, GitHubAuthError } from "../manager/errors.js";
import { silentLogger, type Logger } from "../manager/ports.js";
import type { DemandSink, DemandSource, ScaleSetRef, ScaleSetService, ScaleSetSession, ScaleSetStatistics } from "./ports.js";
import { backoffDelay, listenerSleep, STANDBY_BACKOFF, type BackoffOptions, type ListenerSleep } from "./scale-set-backoff.js";
import { QueueAuthError, SessionConflictError, SessionLostError } from "./scale-set-errors.js";
import { freshState, handleMessage } from "./scale-set-handler.js";
import { JobEventMapper, toSnapshot } from "./scale-set-messages.js";
import { describeListener, type ListenerPhase } from "./scale-set-status.js";

/** Options of `createScaleSetSource`. */
export interface ScaleSetSourceOptions {
  service: ScaleSetService;
  /** Runners the fleet can provide: `X-ScaleSetMaxCapacity` of every poll (§1.6). */
  maxCapacity: number;
  /** The session's owner (default the host name, else a UUID, as ARC). */
  ownerName?: string;
  /** Waits after failures (default 1 s doubling to 60 s, jittered). */
  backoff?: BackoffOptions;
  /** Waits between session attempts on standby (default 1 s doubling to 5 s, jittered). */
  standbyBackoff?: BackoffOptions;
  sleep?: ListenerSleep;
  random?: () => number;
  now?: () => Date;
  logger?: Logger;
}

/** A scale-set `DemandSource` that tells whether it holds the session and takes a new capacity. */
export interface ScaleSetSource extends DemandSource {
  /** True while this listener holds the scale set's session (false on standby). */
  isActive(): boolean;
  /** Changes the capacity announced, from the next poll on. */
  setMaxCapacity(n: number): void;
  readonly maxCapacity: number;
}

/**
 * Builds the listener. `start` resolves once the session is open, the listener is on standby,
 * or the first attempt failed for a reason worth retrying; it rejects on `ConfigError` and
 * `GitHubAuthError` of the first attempt (misconfiguration). `stop` deletes the session.
 */
export function createScaleSetSource(options: ScaleSetSourceOptions): ScaleSetSource {
  const { service, backoff, standbyBackoff = STANDBY_BACKOFF, sleep = listenerSleep, random = Math.random, now = () => new Date(), logger = silentLogger } = options;
  const owner = options.ownerName ?? (hostname() || randomUUID());
  const abort = new AbortController();
  const mapper = new JobEventMapper();
  let maxCapacity = checkCapacity(options.maxCapacity);
  let phase: ListenerPhase = "new";
  let problem: string | undefined;
  let ref: ScaleSetRef | undefined;
  let session: ScaleSetSession | undefined;
  let state = freshState();
  let loop: Promise<void> | undefined;

  const snapshot = async (sink: DemandSink, statistics: ScaleSetStatistics) => {
    state.lastStatistics = statistics;
    await sink.snapshot(toSnapshot(statistics, now()));
  };
  const wait = (failures: number, bounds = backoff) => sleep(backoffDelay(failures, bounds, random), abort.signal).catch(() => undefined);

  async function connect(sink: DemandSink): Promise<void> {
    ref = await service.ensureScaleSet();
    try {
      session = await service.openSession(ref.id, owner);
    } catch (error) {
      if (!(error instanceof SessionConflictError)) throw error;
      if (phase !== "standby") logger.info("scale set: another controller holds the session; standing by", { scaleSet: ref.name });
      phase = "standby";
      return;
    }
    // A new session starts again from the first unacknowledged message (§1.6).
    state = freshState();
    phase = "active";
    logger.info("scale set: session open", { scaleSet: ref.name, scaleSetId: ref.id, sessionId: session.id });
    await snapshot(sink, session.statistics);
  }

  async function step(sink: DemandSink, open: ScaleSetSession): Promise<void> {
    const message = await open.getMessage(state.lastMessageId, maxCapacity, abort.signal);
    // 202: nothing within the window; the last statistics re-drive the scaler (§1.10).
    if (!message) return state.lastStatistics && snapshot(sink, state.lastStatistics);
    await handleMessage({ session: open, sink, mapper, state, logger, now, snapshot: (s) => snapshot(sink, s) }, message);
  }

  async function recover(error: unknown): Promise<void> {
    problem = describeError(error);
    logger.warn("scale set: listener call failed; retrying", { error: problem });
    if (error instanceof SessionLostError) session = undefined;
    if (error instanceof QueueAuthError && session) {
      await session.refresh().catch((refreshError: unknown) => {
        if (refreshError instanceof SessionLostError) session = undefined;
      });
    }
  }

  async function run(sink: DemandSink, settle: (error?: unknown) => void): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        if (session) await step(sink, session);
        else await connect(sink);
        settle();
        if (phase === "standby") {
          await wait(++failures, standbyBackoff);
        } else {
          failures = 0;
          problem = undefined;
        }
      } catch (error) {
        if (abort.signal.aborted) break;
        if (phase === "new" && (error instanceof ConfigError || error instanceof GitHubAuthError)) return settle(error);
        await recover(error);
        if (phase === "new" || phase === "standby") phase = "connecting";
        settle();
        await wait(++failures);
      }
    }
  }

  return {
    get maxCapacity() {
      return maxCapacity;
    },
    setMaxCapacity: (n) => void (maxCapacity = checkCapacity(n)),
    isActive: () => phase === "active" && session !== undefined,
    async start(sink) {
      if (loop) throw new FleetError("scale_set_listener_started", "the scale-set listener was already started: build a new one");
      let settle: (error?: unknown) => void = () => undefined;
      const first = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
      loop = run(sink, settle).finally(async () => {
        // Deleting the session lets a standby take over at once instead of after it lapses.
        const open = session;
        session = undefined;
        phase = "stopped";
        await open?.close().catch((error: unknown) => logger.warn("scale set: could not delete the session", { error: describeError(error) }));
      });
      await first;
    },
    async stop() {
      abort.abort(new Error("the scale-set listener is stopping"));
      if (!loop) phase = "stopped";
      await loop?.catch(() => undefined);
    },
    status: () => describeListener(phase, ref, problem),
  };
}

// --- internal ---

function checkCapacity(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new ConfigError([{ path: "autoscale.max", message: `the scale set's capacity must be a whole number ≥ 0, not ${n}` }]);
  return n;
}
