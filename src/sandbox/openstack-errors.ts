import type { FaultSpec, SandboxService } from "./bridge.js";
import type { SandboxRequest, SandboxResponse } from "./http.js";

const NOVA_FAULT_NAMES: Record<number, string> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "itemNotFound",
  405: "badMethod",
  409: "conflictingRequest",
  413: "overLimit",
  415: "badMediaType",
  429: "overLimit",
  501: "notImplemented",
  503: "serviceUnavailable",
};

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Request Entity Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The reason phrase for a status. */
export function titleOf(status: number): string {
  return TITLES[status] ?? "Error";
}

/** Nova's `{"<faultName>": {code, message}}` body (nova/api/openstack/wsgi.py `_fault_names`). */
export function novaError(status: number, message: string, headers?: Record<string, string>): SandboxResponse {
  const name = NOVA_FAULT_NAMES[status] ?? "computeFault";
  const fault: Record<string, unknown> = { code: status, message };
  // overLimit faults carry retryAfter in the body and the Retry-After header.
  if (status === 413 || status === 429) fault["retryAfter"] = "0";
  return { status, body: { [name]: fault }, headers: { ...headers } };
}

/**
 * A value as Nova's validation messages print it: Python's str() at the top (strings bare),
 * repr() inside containers ({'a': 'b'}, True, None).
 */
export function pyStr(value: unknown, nested = false): string {
  if (typeof value === "string") return nested ? `'${value}'` : value;
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) return `[${value.map((v) => pyStr(v, true)).join(", ")}]`;
  if (typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `'${k}': ${pyStr(v, true)}`).join(", ")}}`;
  return String(value);
}

/** Keystone's (and keystonemiddleware's) `{"error": {code, title, message}}` body. */
export function keystoneError(status: number, message: string): SandboxResponse {
  return { status, body: { error: { code: status, title: titleOf(status), message } } };
}

/** Neutron's `{"NeutronError": {type, message, detail}}` body. */
export function neutronError(status: number, type: string, message: string): SandboxResponse {
  return { status, body: { NeutronError: { type, message, detail: "" } } };
}

/**
 * Glance answers errors from webob: JSON `{message, code, title}` to a client that accepts
 * application/json (and not text/html), else a small HTML page (both seen on Zed).
 */
export function glanceError(status: number, message: string, accept?: string | string[]): SandboxResponse {
  const title = `${status} ${titleOf(status)}`;
  const wanted = String(accept ?? "");
  if (wanted.includes("application/json") && !wanted.includes("text/html")) {
    const body = { message: `${message}<br /><br />\n\n\n`, code: title, title: titleOf(status) };
    return { status, body, headers: { "content-type": "application/json" } };
  }
  return {
    status,
    body: `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n  ${message}<br /><br />\n\n\n\n </body>\n</html>`,
    headers: { "content-type": "text/html; charset=UTF-8" },
  };
}

/** The 401 keystonemiddleware answers for a missing, unknown or expired token, on every service. */
export function unauthorized(): SandboxResponse {
  return keystoneError(401, "The request you have made requires authentication.");
}

/** An error with the given status in the shape `service` uses. */
export function serviceError(service: SandboxService, status: number, message: string): SandboxResponse {
  switch (service) {
    case "identity":
      return keystoneError(status, message);
    case "compute":
      return novaError(status, message);
    case "network":
      return neutronError(status, status === 404 ? "HTTPNotFound" : "HTTPError", message);
    default:
      return glanceError(status, message);
  }
}

/** Answers an injected fault (or an unknown route) in the service's error shape. */
export function openStackFault(fault: FaultSpec, req: SandboxRequest): SandboxResponse {
  const status = fault.kind === "status" ? (fault.status ?? 500) : 429;
  const message =
    status === 404 ? `The resource could not be found.` : `Injected fault: ${titleOf(status)} (${req.method} ${req.path})`;
  const answer = serviceError(fault.service, status, message);
  if (fault.kind === "rate-limit-primary" || fault.kind === "rate-limit-secondary") {
    answer.headers = { ...answer.headers, "retry-after": String(fault.retryAfterSeconds ?? 1) };
  }
  return answer;
}
