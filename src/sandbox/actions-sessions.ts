/**
 * Message sessions (reference §1.5): one open session per scale set (a second create → 409 until
 * the first is deleted or lapses), PATCH rotating the queue token and invalidating the old one,
 * DELETE → 204. A vanished session (deleted, lapsed, killed, service restart) answers 404.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { actionsBaseUrl, actionsEmpty, actionsError, actionsJson, objectBody } from "./actions-http.js";
import { queueOf, statisticsOf } from "./actions-messages.js";
import { actionsRoute, type ActionsCall, type ActionsContext } from "./actions-route.js";
import { scaleSetJson, withScaleSet } from "./actions-scalesets.js";
import type { ScaleSetRecord, SessionRecord } from "./actions-types.js";
import type { ActionsWorld } from "./actions-world.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

const SESSIONS = "/_apis/runtime/runnerscalesets/{scaleSetId}/sessions";

/** The message queue's path below the service's base path (`DELETE {queue}/{messageId}` acknowledges). */
export const QUEUE_PATH = "/_apis/runtime/messagequeues/{sessionId}";

/** Session create, refresh and delete. */
export function sessionRoutes(ctx: ActionsContext): Route[] {
  const { aw } = ctx;
  const spec = (method: string, path: string) => ({ name: "sessions" as const, method, path, auth: "admin" as const });
  return [
    actionsRoute(ctx, spec("POST", SESSIONS), (call) => withScaleSet(aw, call, (s) => createSession(aw, call, s))),
    actionsRoute(ctx, spec("PATCH", `${SESSIONS}/{sessionId}`), (call) =>
      withSession(aw, call, (s, session) => {
        rotate(aw, session);
        return actionsJson(200, sessionJson(aw, s, session, call.req), aw.options.bom);
      }),
    ),
    actionsRoute(ctx, spec("DELETE", `${SESSIONS}/{sessionId}`), (call) =>
      withSession(aw, call, (_s, session) => {
        aw.state.sessions = aw.state.sessions.filter((x) => x !== session);
        aw.changed();
        return actionsEmpty(204);
      }),
    ),
  ];
}

/** A session as create and refresh answer it (§1.5). */
export function sessionJson(aw: ActionsWorld, s: ScaleSetRecord, session: SessionRecord, req: SandboxRequest): Record<string, unknown> {
  return {
    sessionId: session.sessionId,
    ownerName: session.ownerName,
    runnerScaleSet: scaleSetJson(aw, s, req),
    messageQueueUrl: `${actionsBaseUrl(req)}${QUEUE_PATH.slice(1).replace("{sessionId}", session.sessionId)}`,
    messageQueueAccessToken: session.queueToken,
    statistics: statisticsOf(aw.state, aw.world.state, s.id),
  };
}

// --- internal ---

function createSession(aw: ActionsWorld, call: ActionsCall, s: ScaleSetRecord): SandboxResponse {
  const held = aw.sessionOf(s.id);
  // §1.5: typical after a crash, until the old session is deleted or lapses (sessionTimeoutMs).
  if (held !== undefined) {
    return actionsError(409, "TaskAgentSessionConflictException", `The runner scale set ${s.name} already has an active session for owner ${held.ownerName}.`);
  }
  const owner = objectBody(call.req)?.ownerName;
  const session: SessionRecord = { sessionId: randomUUID(), scaleSetId: s.id, ownerName: typeof owner === "string" ? owner : "", queueToken: "", lastSeenAt: aw.now() };
  rotate(aw, session);
  aw.state.sessions.push(session);
  reofferAvailable(aw, s.id);
  return actionsJson(200, sessionJson(aw, s, session, call.req), aw.options.bom);
}

/**
 * A new session sees every job still waiting to be acquired: JobAvailable again for each whose offer
 * is no longer queued (a listener that acknowledged a batch and crashed before acquiring would
 * otherwise never see those jobs again; how GitHub handles this is [unverified]).
 */
function reofferAvailable(aw: ActionsWorld, scaleSetId: number): void {
  const queue = queueOf(aw.state, scaleSetId);
  const queued = new Set([...queue.outbox, ...queue.messages.flatMap((m) => m.jobs)].filter((j) => j.messageType === "JobAvailable").map((j) => j.runnerRequestId));
  for (const claim of Object.values(aw.state.claims)) {
    const job = aw.world.state.jobs.find((j) => j.id === claim.jobId);
    if (claim.scaleSetId === scaleSetId && claim.state === "available" && !queued.has(claim.requestId) && job !== undefined) aw.post(scaleSetId, "JobAvailable", job, claim);
  }
}

/** A new queue token; the old one stops working at once (§1.5). */
function rotate(aw: ActionsWorld, session: SessionRecord): void {
  session.queueToken = randomBytes(32).toString("base64url");
  session.lastSeenAt = aw.now();
  const lifetime = aw.options.queueTokenLifetimeMs;
  if (lifetime === undefined) delete session.queueTokenExpiresAt;
  else session.queueTokenExpiresAt = aw.now() + lifetime;
}

function withSession(aw: ActionsWorld, call: ActionsCall, then: (s: ScaleSetRecord, session: SessionRecord) => SandboxResponse): SandboxResponse | Promise<SandboxResponse> {
  return withScaleSet(aw, call, (s) => {
    const session = aw.state.sessions.find((x) => x.sessionId === call.req.params.sessionId && x.scaleSetId === s.id);
    if (session === undefined) return actionsError(404, "TaskAgentSessionExpiredException", `The session ${call.req.params.sessionId ?? ""} has expired or was deleted.`);
    return then(s, session);
  });
}
