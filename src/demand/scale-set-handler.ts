/**
 * One queue message, in the order of scaleset's `listener.handleMessage` (reference §1.8):
 * statistics to the sink FIRST (it records them durably), then the ack, then acquirejobs for
 * the JobAvailable requests, then JobStarted/JobCompleted as job events. A message that comes
 * again after its jobs were handled (redelivery) is only snapshotted and acknowledged again.
 */
import { describeError } from "../manager/errors.js";
import type { Logger } from "../manager/ports.js";
import type { DemandSink, ScaleSetMessage, ScaleSetSession, ScaleSetStatistics } from "./ports.js";
import { BoundedSet, type JobEventMapper } from "./scale-set-messages.js";

/** What the listener keeps between messages of one session. */
export interface HandlerState {
  /** The last acknowledged message: the next poll's `lastMessageId`. */
  lastMessageId: number;
  /** The latest statistics, which every 202 sends again (§1.10). */
  lastStatistics: ScaleSetStatistics | undefined;
  /** Messages whose jobs were handled in this session. */
  handled: BoundedSet<number>;
}

/** Everything `handleMessage` works with. */
export interface HandlerContext {
  session: ScaleSetSession;
  sink: DemandSink;
  mapper: JobEventMapper;
  state: HandlerState;
  logger: Logger;
  now: () => Date;
  /** Records statistics as the last ones and hands them to the sink. */
  snapshot(statistics: ScaleSetStatistics): Promise<void>;
}

/** A new per-session state. */
export function freshState(): HandlerState {
  return { lastMessageId: 0, lastStatistics: undefined, handled: new BoundedSet(1000) };
}

/**
 * Handles one message. A failing snapshot or ack throws before anything else, so the message is
 * redelivered and nothing is lost; after the ack, a failing acquire is thrown only once the job
 * events are out, and a failing event is logged (the statistics already carry the demand).
 */
export async function handleMessage(ctx: HandlerContext, message: ScaleSetMessage): Promise<void> {
  const { session, sink, mapper, state, logger } = ctx;
  await ctx.snapshot(message.statistics);
  await session.deleteMessage(message.id);
  state.lastMessageId = message.id;
  if (!state.handled.add(message.id)) {
    logger.debug("scale set: message redelivered after its jobs were handled", { messageId: message.id });
    return;
  }

  const requests = [...new Set(message.jobs.filter((job) => job.type === "JobAvailable").map((job) => job.runnerRequestId))];
  let acquireError: unknown;
  if (requests.length > 0) {
    try {
      const acquired = await session.acquireJobs(requests);
      logger.debug("scale set: acquired jobs", { requested: requests.length, acquired: acquired.length });
    } catch (error) {
      acquireError = error;
    }
  }
  for (const job of message.jobs) {
    if (job.type === "JobAssigned") logger.debug("scale set: job assigned", { runnerRequestId: job.runnerRequestId, repository: job.repository });
    const event = mapper.toEvent(job, ctx.now());
    if (!event) continue;
    await sink.event(event).catch((error: unknown) => logger.warn("scale set: the demand sink failed", { error: describeError(error), jobId: event.jobId }));
  }
  if (acquireError !== undefined) throw acquireError;
}
