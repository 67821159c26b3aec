/**
 * The message queue and job acquisition (reference §1.6, §1.8): a long poll held up to the
 * configured window and answered 202 when nothing came, messages redelivered until deleted,
 * `lastMessageId` skipping acknowledged ones, `X-ScaleSetMaxCapacity` recorded on every poll, and
 * acquirejobs with the queue token answering the subset it actually acquired.
 */
import { intParam } from "./github-http.js";
import { actionsBaseUrl, actionsEmpty, actionsError, actionsJson, header } from "./actions-http.js";
import { deleteMessage, jobMessage, messageJson, nextMessage, statisticsOf } from "./actions-messages.js";
import { actionsRoute, type ActionsCall, type ActionsContext } from "./actions-route.js";
import { withScaleSet } from "./actions-scalesets.js";
import { QUEUE_PATH } from "./actions-sessions.js";
import type { ScaleSetRecord } from "./actions-types.js";
import type { Route, SandboxResponse } from "./http.js";

const SET = "/_apis/runtime/runnerscalesets/{scaleSetId}";

/** Poll, acknowledge, acquirejobs and (old ARC's) acquirablejobs. */
export function queueRoutes(ctx: ActionsContext): Route[] {
  const { aw } = ctx;
  return [
    actionsRoute(ctx, { name: "messages", method: "GET", path: QUEUE_PATH, auth: "queue" }, (call) => poll(ctx, call)),
    actionsRoute(ctx, { name: "deleteMessage", method: "DELETE", path: `${QUEUE_PATH}/{messageId}`, auth: "queue", apiVersion: false }, (call) => {
      const messageId = intParam(call.req.params.messageId);
      if (messageId === undefined || call.session === undefined) return actionsError(400, "ArgumentException", "The message id must be a positive integer.");
      deleteMessage(aw.state, call.session.scaleSetId, messageId);
      return actionsEmpty(204);
    }),
    // §1.8: the queue token, not the admin token (the Go client overwrites the admin Authorization).
    actionsRoute(ctx, { name: "acquirejobs", method: "POST", path: `${SET}/acquirejobs`, auth: "queue" }, (call) => acquire(ctx, call)),
    actionsRoute(ctx, { name: "acquirablejobs", method: "GET", path: `${SET}/acquirablejobs`, auth: "admin" }, (call) =>
      withScaleSet(aw, call, (s) => {
        const value = Object.values(aw.state.claims)
          .filter((c) => c.scaleSetId === s.id && c.state === "available")
          .flatMap((c) => aw.world.state.jobs.filter((j) => j.id === c.jobId).map((j) => ({ ...jobMessage("JobAvailable", j, c), acquireJobUrl: acquireUrl(call, s) })));
        return actionsJson(200, { count: value.length, value }, aw.options.bom);
      }),
    ),
  ];
}

// --- internal ---

async function poll(ctx: ActionsContext, call: ActionsCall): Promise<SandboxResponse> {
  const { aw } = ctx;
  const sessionId = call.session?.sessionId ?? "";
  const capacity = Number(header(call.req, "x-scalesetmaxcapacity"));
  if (call.session !== undefined && Number.isInteger(capacity) && capacity >= 0) call.session.maxCapacity = capacity;
  const last = intParam(call.req.query.get("lastMessageId")) ?? 0;
  const deadline = Date.now() + aw.options.longPollMs;
  aw.polling.set(sessionId, (aw.polling.get(sessionId) ?? 0) + 1);
  try {
    for (;;) {
      // Looked up afresh each round: the session may be deleted, lapse or vanish in a restart meanwhile.
      const session = aw.state.sessions.find((s) => s.sessionId === sessionId);
      const scaleSet = aw.state.scaleSets.find((s) => s.id === session?.scaleSetId);
      if (session === undefined || scaleSet === undefined) return actionsError(404, "TaskAgentSessionExpiredException", `The session ${sessionId} has expired or was deleted.`);
      session.lastSeenAt = aw.now();
      const message = nextMessage(aw.state, scaleSet.id, last, aw.options.maxJobsPerMessage);
      if (message !== undefined) {
        const statistics = statisticsOf(aw.state, aw.world.state, scaleSet.id);
        return actionsJson(200, messageJson(message, statistics, acquireUrl(call, scaleSet)), aw.options.bom);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || ctx.waits.closed) return actionsEmpty(202);
      await ctx.waits.wait(remaining, (wake) => aw.onChange(wake));
    }
  } finally {
    const left = (aw.polling.get(sessionId) ?? 1) - 1;
    if (left > 0) aw.polling.set(sessionId, left);
    else aw.polling.delete(sessionId);
  }
}

function acquire(ctx: ActionsContext, call: ActionsCall): SandboxResponse {
  const { aw } = ctx;
  const session = call.session;
  const id = intParam(call.req.params.scaleSetId);
  if (session === undefined || session.scaleSetId !== id) return actionsError(401, "VssUnauthorizedException", "The message queue token does not belong to this runner scale set.");
  const ids = call.req.body;
  if (!Array.isArray(ids) || !ids.every((x) => Number.isSafeInteger(x))) return actionsError(400, "ArgumentException", "The body must be a JSON array of runnerRequestIds, e.g. [101, 102].");
  const value = aw.acquire(session.scaleSetId, ids as number[], session.maxCapacity);
  return actionsJson(200, { count: value.length, value }, aw.options.bom);
}

function acquireUrl(call: ActionsCall, s: ScaleSetRecord): string {
  return `${actionsBaseUrl(call.req)}_apis/runtime/runnerscalesets/${s.id}/acquirejobs`;
}
