/**
 * What runs before every Actions service handler (reference §1.2.5, §1.8): faults, the Bearer
 * credential the route needs (the admin JWT, or the session's queue token: acquirejobs and the
 * message queue take the queue token), the required api-version, and JSON parsing.
 */
import { ACTIONS_BASE_PATH, actionsError, bearerOf, checkApiVersion, unauthorized } from "./actions-http.js";
import { faultAnswer, faultDelayMs, type ActionsFaults, type ActionsRouteName } from "./actions-faults.js";
import { verifyAdminToken } from "./actions-tokens.js";
import type { SessionRecord } from "./actions-types.js";
import type { ActionsWorld } from "./actions-world.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** What the routes share. */
export interface ActionsContext {
  aw: ActionsWorld;
  faults: ActionsFaults;
  waits: Waits;
}

/** A request that passed the checks: the admin token's scope, or the queue token's session. */
export interface ActionsCall {
  req: SandboxRequest;
  scope: string;
  session?: SessionRecord;
}

/** How a route is reached and guarded; `path` is below the service's base path. */
export interface ActionsRouteSpec {
  name: ActionsRouteName;
  method: string;
  path: string;
  auth: "admin" | "queue";
  /** False for the message DELETE: the Go client sends it with no api-version at all (scaleset session_client.go). */
  apiVersion?: boolean;
}

/** A route whose handler runs only after the service's checks pass. */
export function actionsRoute(ctx: ActionsContext, spec: ActionsRouteSpec, handle: (call: ActionsCall) => SandboxResponse | Promise<SandboxResponse>): Route {
  return {
    method: spec.method,
    pattern: `${ACTIONS_BASE_PATH}${spec.path}`,
    async handle(req) {
      const fault = ctx.faults.take(spec.name, req.method);
      if (fault !== undefined) {
        await ctx.waits.wait(faultDelayMs(fault));
        const answer = faultAnswer(fault);
        if (answer !== undefined) return answer;
      }
      const auth = authenticate(ctx.aw, spec, req);
      if ("status" in auth) return auth;
      const version = spec.apiVersion === false ? undefined : checkApiVersion(req);
      if (version !== undefined) return version;
      if (req.invalidJson === true) return actionsError(400, "ArgumentException", "The request body is not valid JSON.");
      return handle({ req, ...auth });
    },
  };
}

/** Resolvable waits that close() ends at once, so a held poll never outlives the sandbox. */
export class Waits {
  private readonly pending = new Set<() => void>();
  private isClosed = false;

  /** Resolves after `ms`, when `subscribe`'s callback fires, or at close, whichever is first. */
  wait(ms: number, subscribe?: (wake: () => void) => () => void): Promise<void> {
    if (this.isClosed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe?.();
        this.pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = subscribe?.(done);
      this.pending.add(done);
    });
  }

  /** True once close() ran: a held poll answers at once. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Ends every wait now and every later one at once. */
  close(): void {
    this.isClosed = true;
    for (const done of [...this.pending]) done();
  }
}

// --- internal ---

function authenticate(aw: ActionsWorld, spec: ActionsRouteSpec, req: SandboxRequest): SandboxResponse | { scope: string; session?: SessionRecord } {
  const token = bearerOf(req);
  if (token === undefined) return unauthorized("Authorization: Bearer <token> is required.");
  const state = aw.state;
  if (spec.auth === "admin") {
    const scope = verifyAdminToken(state, token, aw.now());
    return scope === undefined ? unauthorized("The admin token is invalid or expired; run the registration again.") : { scope };
  }
  // The message queue names its session in the path: a vanished session is 404, a bad token 401 (§5).
  const sessionId = req.params.sessionId;
  const session = sessionId === undefined ? state.sessions.find((s) => s.queueToken === token) : state.sessions.find((s) => s.sessionId === sessionId);
  if (session === undefined && sessionId !== undefined) return actionsError(404, "TaskAgentSessionExpiredException", `The session ${sessionId} has expired or was deleted.`);
  const expired = session?.queueTokenExpiresAt !== undefined && session.queueTokenExpiresAt <= aw.now();
  if (session === undefined || session.queueToken !== token || expired) return unauthorized("The message queue token is invalid or expired; refresh the session.");
  const scope = state.scaleSets.find((s) => s.id === session.scaleSetId)?.scope ?? "";
  return { scope, session };
}
