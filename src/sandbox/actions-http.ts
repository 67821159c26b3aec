/**
 * The Actions service's wire conventions (reference §1.2.5–§1.2.7): where it lives, the
 * `api-version` it requires, Bearer credentials, BOM-prefixed JSON answers, and errors as
 * `{typeName, message}` with `ActivityId` and `X-GitHub-Request-Id` headers.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { baseUrlOf } from "./github-http.js";
import type { SandboxRequest, SandboxResponse } from "./http.js";

/**
 * The service's path on the GitHub sandbox's port. GitHub serves it from another host
 * (pipelines.actions.githubusercontent.com/<tenant>/); clients only ever use the URL that
 * runner-registration returns, so a path of the same server is as good and needs no second port.
 */
export const ACTIONS_BASE_PATH = "/_actions/tenant/1";

/** The one api-version clients send (§1.2.5); `6.0-preview.N` is accepted too. */
export const API_VERSION = "6.0-preview";

/** The service's base URL as this request reached it, with the trailing slash GitHub's has. */
export function actionsBaseUrl(req: SandboxRequest): string {
  return `${baseUrlOf(req)}${ACTIONS_BASE_PATH}/`;
}

/** Whether a path belongs to the Actions service (for the request log and fault shapes). */
export function isActionsPath(path: string): boolean {
  return path === ACTIONS_BASE_PATH || path.startsWith(`${ACTIONS_BASE_PATH}/`);
}

/** A successful JSON answer, BOM-prefixed when `bom` (§1.2.6: clients strip it before parsing). */
export function actionsJson(status: number, body: unknown, bom: boolean): SandboxResponse {
  const text = JSON.stringify(body);
  return { status, body: bom ? `\uFEFF${text}` : text, headers: { "content-type": "application/json; charset=utf-8", ...traceHeaders() } };
}

/** A bodiless answer (204, 202) with the trace headers. */
export function actionsEmpty(status: number): SandboxResponse {
  return { status, headers: traceHeaders() };
}

/**
 * An error as the service answers it (§1.2.7). Never BOM-prefixed: the Go client unmarshals error
 * bodies without stripping one (scaleset errors.go), so its typeName matching needs a clean body.
 */
export function actionsError(status: number, typeName: string, message: string, headers: Record<string, string> = {}): SandboxResponse {
  const body = JSON.stringify({ $id: "1", innerException: null, message, typeName, typeKey: typeName.replace(/Exception$/, ""), errorCode: 0, eventId: 3000 });
  return { status, body, headers: { "content-type": "application/json; charset=utf-8", ...traceHeaders(), ...headers } };
}

/**
 * The api-version of a request: the query parameter (§1.2.5) or the `Accept` parameter the
 * message poll uses instead (§1.6: `Accept: application/json; api-version=6.0-preview`).
 */
export function apiVersionOf(req: SandboxRequest): string | undefined {
  const query = req.query.get("api-version");
  if (query !== null) return query;
  const accept = header(req, "accept") ?? "";
  return /(?:^|;)\s*api-version=([^;,\s]+)/i.exec(accept)?.[1];
}

/** Why a request's api-version is refused, or undefined when it is good. */
export function checkApiVersion(req: SandboxRequest): SandboxResponse | undefined {
  const version = apiVersionOf(req);
  // Type names are Azure DevOps's (the service is built on it); the exact ones GitHub sends are [unverified].
  if (version === undefined) return actionsError(400, "VssVersionNotSpecifiedException", "No api-version was supplied for the request. Supply api-version=6.0-preview.");
  if (!/^6\.0-preview(\.\d+)?$/.test(version)) return actionsError(400, "VssVersionOutOfRangeException", `The requested version '${version}' of the resource is not supported. Use api-version=6.0-preview.`);
  return undefined;
}

/** The credential of `Authorization: Bearer <x>`, if that is what the request carries. */
export function bearerOf(req: SandboxRequest): string | undefined {
  return /^\s*bearer\s+(\S+)\s*$/i.exec(header(req, "authorization") ?? "")?.[1];
}

/** 401 for a missing, unknown or expired token. */
export function unauthorized(message = "The user is not authorized to access this resource."): SandboxResponse {
  return actionsError(401, "VssUnauthorizedException", message);
}

/** One request header as a string (the first, when repeated). */
export function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request body as an object, or undefined. */
export function objectBody(req: SandboxRequest): Record<string, unknown> | undefined {
  const b = req.body;
  return typeof b === "object" && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
}

// --- internal ---

function traceHeaders(): Record<string, string> {
  // GitHub's request ids look like `C0DE:1A2B:3C4D5E:6F7A8B:65A1B2C3`; the shape is all clients log.
  const hex = randomBytes(10).toString("hex").toUpperCase();
  return { ActivityId: randomUUID(), "X-GitHub-Request-Id": `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}` };
}
