/**
 * The sandbox's own controls of the Actions service (GitHub has none of these), for tests in any
 * language: faults, token expiry, killing sessions, a service restart, failing registrations, and
 * a view of every scale set with its session, queue and statistics. Under `/_sandbox/actions`,
 * with the admin credentials of the other `/_sandbox/` routes and GitHub's error shapes.
 */
import { SANDBOX_PREFIX } from "./github-control-routes.js";
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, validationError } from "./github-http.js";
import { faultErrors, type ActionsFault } from "./actions-faults.js";
import type { ActionsOptions, ResolvedActionsOptions } from "./actions-types.js";
import type { ScaleSetStatistics } from "./actions-messages.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** A scale set as the controls show it: the service's view, including what clients cannot see. */
export interface ScaleSetSummary {
  id: number;
  scope: string;
  name: string;
  runnerGroupId: number;
  labels: string[];
  session: { sessionId: string; ownerName: string; maxCapacity: number | null; polling: number } | null;
  /** Job messages not yet cut into a message, and messages delivered but not acknowledged. */
  queue: { outbox: number; unacknowledged: number };
  statistics: ScaleSetStatistics;
}

/** The controls a running sandbox offers over its Actions service (`sandbox.actions`). */
export interface ActionsControls {
  /** Drops every session, as a restart of the service would: their calls answer 404 from now on. */
  restart(): number;
  /** Kills the sessions of one scale set (or all): their calls answer 404, and a new session may open. */
  expireSessions(scaleSetId?: number): number;
  /** Makes the admin tokens, the queue tokens, or both answer 401 from now on (clients re-register or refresh). */
  expireTokens(kind?: "admin" | "queue" | "all"): void;
  /** Answers the next `count` runner-registrations with 401 (a fresh registration token not valid yet, §1.2.3). */
  failNextRegistrations(count: number): void;
  /** Arms a fault; throws listing every problem with it. */
  fault(fault: ActionsFault): void;
  clearFaults(): void;
  /** The armed faults with their remaining uses. */
  faults(): (ActionsFault & { remaining: number })[];
  /** Changes options at run time (e.g. the long-poll window); returns them all, defaults filled in. */
  configure(options: ActionsOptions): ResolvedActionsOptions;
  /** Every scale set with its session, queue and statistics. */
  scaleSets(): ScaleSetSummary[];
}

/** `GET /_sandbox/actions` and the POST/PUT/PATCH controls below it. */
export function actionsControlRoutes(ctx: SideContext, controls: ActionsControls): Route[] {
  const base = `${SANDBOX_PREFIX}actions`;
  const route = (method: string, path: string, handle: (req: SandboxRequest) => SandboxResponse) => guarded(ctx, "admin", method, `${base}${path}`, handle);
  return [
    route("GET", "", () => ({ status: 200, body: { options: controls.configure({}), faults: controls.faults(), scaleSets: controls.scaleSets() } })),
    route("POST", "/restart", () => ({ status: 200, body: { droppedSessions: controls.restart() } })),
    route("POST", "/sessions/expire", (req) => {
      const id = field(req, "scaleSetId");
      if (id !== undefined && !Number.isSafeInteger(id)) return invalid(`${base}/sessions/expire`, ["scaleSetId must be an integer"]);
      return { status: 200, body: { expiredSessions: controls.expireSessions(id as number | undefined) } };
    }),
    route("POST", "/tokens/expire", (req) => {
      const kind = field(req, "kind") ?? "all";
      if (kind !== "admin" && kind !== "queue" && kind !== "all") return invalid(`${base}/tokens/expire`, ["kind must be 'admin', 'queue' or 'all'"]);
      controls.expireTokens(kind);
      return { status: 200, body: { expired: kind } };
    }),
    route("POST", "/registrations/fail", (req) => {
      const count = field(req, "count") ?? 1;
      if (!Number.isSafeInteger(count) || (count as number) < 0) return invalid(`${base}/registrations/fail`, ["count must be an integer ≥ 0"]);
      controls.failNextRegistrations(count as number);
      return { status: 200, body: { failNext: count } };
    }),
    route("PUT", "/faults", (req) => {
      const list = field(req, "faults");
      const errors = Array.isArray(list) ? list.flatMap((f, i) => faultErrors(f).map((e) => `faults[${i}]: ${e}`)) : ['the body must be {"faults": [ … ]}'];
      if (errors.length > 0) return invalid(`${base}/faults`, errors);
      controls.clearFaults();
      for (const f of list as ActionsFault[]) controls.fault(f);
      return { status: 200, body: { faults: controls.faults() } };
    }),
    route("PATCH", "/options", (req) => {
      const errors = optionErrors(req.body);
      if (errors.length > 0) return invalid(`${base}/options`, errors);
      return { status: 200, body: { options: controls.configure((req.body ?? {}) as ActionsOptions) } };
    }),
  ];
}

// --- internal ---

function field(req: SandboxRequest, key: string): unknown {
  return typeof req.body === "object" && req.body !== null ? (req.body as Record<string, unknown>)[key] : undefined;
}

function invalid(path: string, errors: string[]): SandboxResponse {
  return validationError(`Invalid request to ${path}: ${errors.join("; ")}`, DOCS.runners, errors);
}

const NUMERIC = ["longPollMs", "adminTokenLifetimeSeconds", "failFirstRegistrations", "sessionTimeoutMs", "queueTokenLifetimeMs", "assignmentTimeoutMs", "assignmentTimeoutGrowth", "maxReassignments", "jitRunnerTtlMs", "maxJobsPerMessage"];

function optionErrors(body: unknown): string[] {
  if (body === undefined) return [];
  if (typeof body !== "object" || body === null || Array.isArray(body)) return ["the body must be a JSON object of options"];
  return Object.entries(body as Record<string, unknown>).flatMap(([k, v]) => {
    if (k === "bom") return typeof v === "boolean" ? [] : ["bom must be a boolean"];
    if (!NUMERIC.includes(k)) return [`unknown option '${k}' (known: bom, ${NUMERIC.join(", ")})`];
    return typeof v === "number" && v >= 0 && Number.isFinite(v) ? [] : [`${k} must be a number ≥ 0`];
  });
}
