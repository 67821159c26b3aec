/**
 * Faults of the Actions service, by route name rather than path (reference §2, §5 "Fault
 * injection"): 5xx/429 with `Retry-After`, slow answers, and connection resets (during a long poll
 * when `delayMs` holds the poll first). Token expiry and restarts are controls (actions-control.ts).
 */
import { actionsError } from "./actions-http.js";
import type { SandboxResponse } from "./http.js";

/** The routes a fault can name. */
export const ACTIONS_ROUTES = [
  "registration", "runnergroups", "scalesets", "sessions", "messages", "deleteMessage",
  "acquirejobs", "acquirablejobs", "generatejitconfig", "agents",
] as const;

/** A route of the service (`registration` is GitHub's `POST /actions/runner-registration`). */
export type ActionsRouteName = (typeof ACTIONS_ROUTES)[number];

/** One fault to inject into matching requests. */
export interface ActionsFault {
  /** Which route (default: every route). */
  route?: ActionsRouteName;
  /** Which method (default: any). */
  method?: string;
  /** `status`: answer `status`; `slow`: wait `delayMs`, then answer normally; `reset`: wait `delayMs`, then drop the connection. */
  kind: "status" | "slow" | "reset";
  /** For `status` (default 503). */
  status?: number;
  /** `Retry-After` in seconds; sent with every 429 and 503 (default 1) and with other statuses when set. */
  retryAfterSeconds?: number;
  /** For `slow` (default 1000) and `reset` (default 0). */
  delayMs?: number;
  /** How many matching requests it affects (default 1; Infinity until cleared). */
  count?: number;
}

/** The armed faults; each matching request uses up one use of the first that matches. */
export class ActionsFaults {
  private armed: { fault: ActionsFault; remaining: number }[] = [];

  /** Arms a fault; throws listing every problem with it. */
  add(fault: ActionsFault): void {
    const errors = faultErrors(fault);
    if (errors.length > 0) throw new Error(`actions fault: ${errors.join("; ")}`);
    this.armed.push({ fault: { ...fault }, remaining: fault.count ?? 1 });
  }

  /** Disarms every fault. */
  clear(): void {
    this.armed = [];
  }

  /** The armed faults with their remaining uses. */
  list(): (ActionsFault & { remaining: number })[] {
    return this.armed.map((a) => ({ ...a.fault, remaining: a.remaining }));
  }

  /** Uses up and returns the first fault matching a request, if any. */
  take(route: ActionsRouteName, method: string): ActionsFault | undefined {
    const found = this.armed.find((a) => (a.fault.route ?? route) === route && (a.fault.method ?? method).toUpperCase() === method.toUpperCase());
    if (found === undefined) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.armed = this.armed.filter((a) => a !== found);
    return found.fault;
  }
}

/** Every problem with a fault as sent to the control endpoint (empty when it is good). */
export function faultErrors(value: unknown): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return ['a fault must be an object such as {"route": "messages", "kind": "status", "status": 503}'];
  const f = value as Record<string, unknown>;
  const errors: string[] = [];
  const known = new Set(["route", "method", "kind", "status", "retryAfterSeconds", "delayMs", "count"]);
  for (const key of Object.keys(f)) if (!known.has(key)) errors.push(`unknown key '${key}' (known: ${[...known].join(", ")})`);
  if (f.route !== undefined && !(ACTIONS_ROUTES as readonly unknown[]).includes(f.route)) errors.push(`route must be one of ${ACTIONS_ROUTES.join(", ")}`);
  if (f.method !== undefined && typeof f.method !== "string") errors.push("method must be a string");
  if (f.kind !== "status" && f.kind !== "slow" && f.kind !== "reset") errors.push("kind must be 'status', 'slow' or 'reset'");
  if (f.status !== undefined && !(Number.isInteger(f.status) && (f.status as number) >= 400 && (f.status as number) <= 599)) errors.push("status must be an integer from 400 to 599");
  const nonNegative = (v: unknown): boolean => typeof v === "number" && v >= 0 && Number.isFinite(v);
  if (f.retryAfterSeconds !== undefined && !nonNegative(f.retryAfterSeconds)) errors.push("retryAfterSeconds must be a number ≥ 0");
  if (f.delayMs !== undefined && !nonNegative(f.delayMs)) errors.push("delayMs must be a number ≥ 0");
  if (f.count !== undefined && !(typeof f.count === "number" && f.count >= 1)) errors.push("count must be ≥ 1 (Infinity: until cleared)");
  return errors;
}

/** How long a fault holds the request before acting. */
export function faultDelayMs(fault: ActionsFault): number {
  return fault.delayMs ?? (fault.kind === "slow" ? 1000 : 0);
}

/** The answer of a `status` or `reset` fault (a `slow` one answers normally after its delay). */
export function faultAnswer(fault: ActionsFault): SandboxResponse | undefined {
  if (fault.kind === "reset") return { status: 0, reset: true };
  if (fault.kind === "slow") return undefined;
  return faultStatus(fault.status ?? 503, fault.retryAfterSeconds);
}

/** An error status in the service's shape, with `Retry-After` where clients honour it (§2: 429 and 503). */
export function faultStatus(status: number, retryAfterSeconds?: number): SandboxResponse {
  const retry = retryAfterSeconds ?? (status === 429 || status === 503 ? 1 : undefined);
  const headers: Record<string, string> = retry === undefined ? {} : { "Retry-After": String(retry) };
  if (status === 429) return actionsError(429, "VssRequestRateLimitedException", "Request was blocked due to exceeding usage of resource 'Count' in namespace 'User'.", headers);
  if (status === 404) return actionsError(404, "VssResourceNotFoundException", "The requested resource was not found.", headers);
  if (status === 503) return actionsError(503, "VssServiceUnavailableException", "The service is temporarily unavailable.", headers);
  return actionsError(status, status >= 500 ? "VssServiceException" : "VssServiceResponseException", `Injected fault: HTTP ${status}.`, headers);
}
