/**
 * The one HTTP function every OpenStack call goes through: timeout, JSON in and out, retries for
 * idempotent calls, and translation of every failure into `CloudError` and its subclasses.
 */
import { CloudAuthError, CloudError, QuotaError } from "../manager/errors.js";
import { parseErrorBody } from "./error-body.js";

/** The subset of `fetch` the client needs; inject one to reach a sandbox or to record calls. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Retry policy for idempotent calls; `attempts` counts the first try. */
export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
}

/** Transport options shared by all calls of one client. */
export interface HttpOptions {
  fetch?: FetchLike;
  /** Per-attempt timeout (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
}

/** HTTP methods the client uses. */
export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One call to an OpenStack service. */
export interface HttpRequest {
  /** Service name for messages: "Nova", "Keystone", … */
  service: string;
  method: HttpMethod;
  /** The endpoint from the catalog (or the auth URL). */
  baseUrl: string;
  /** Path below `baseUrl`, shown in error messages (without the query). */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Override for calls whose method says otherwise (a read-only POST action may be retried). */
  idempotent?: boolean;
  /** Strings that must never appear in an error message (token, user data, secrets). */
  redact?: string[];
  timeoutMs?: number;
}

/** A successful (2xx) response with its JSON body parsed (undefined when empty). */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
  requestId?: string;
}

/** Methods safe to repeat (RFC 9110 §9.2.2). POST never is, unless the caller says so. */
const IDEMPOTENT = new Set<HttpMethod>(["GET", "HEAD", "PUT", "DELETE"]);
const DEFAULTS = { timeoutMs: 30_000, attempts: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

/** Sends `req`; returns 2xx responses and throws a translated `CloudError` for anything else. */
export async function request(req: HttpRequest, options: HttpOptions = {}): Promise<HttpResponse> {
  const { fetch: doFetch = globalThis.fetch, timeoutMs = DEFAULTS.timeoutMs } = options;
  const attempts = Math.max(1, options.retry?.attempts ?? DEFAULTS.attempts);
  const baseDelayMs = options.retry?.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const idempotent = req.idempotent ?? IDEMPOTENT.has(req.method);
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(req, doFetch, req.timeoutMs ?? timeoutMs);
    } catch (error) {
      // 5xx and network failures may pass; 501 (not implemented) never will.
      const retryable = error instanceof CloudError && (error.status === 0 || (error.status >= 500 && error.status !== 501));
      if (!idempotent || !retryable || attempt >= attempts) throw error;
      await sleep(backoff(attempt, baseDelayMs));
    }
  }
}

/** Exponential backoff with equal jitter: half the step fixed, half random, capped. */
export function backoff(attempt: number, baseDelayMs: number, random: () => number = Math.random): number {
  const step = Math.min(DEFAULTS.maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}

/** The URL of `req` with its query. */
export function requestUrl(req: Pick<HttpRequest, "baseUrl" | "path" | "query">): string {
  const url = new URL(req.baseUrl.replace(/\/+$/, "") + req.path);
  for (const [key, value] of Object.entries(req.query ?? {})) {
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url.toString();
}

// --- internal ---

async function attemptOnce(req: HttpRequest, doFetch: FetchLike, timeoutMs: number): Promise<HttpResponse> {
  const what = `${req.service} ${req.method} ${req.path || "/"}`;
  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  let text: string;
  try {
    response = await doFetch(requestUrl(req), {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw networkError(what, req, timeoutMs, error);
  }
  const requestId = response.headers.get("x-openstack-request-id") ?? response.headers.get("x-compute-request-id") ?? undefined;
  if (response.ok) {
    return { status: response.status, headers: response.headers, body: parseJson(text, what, requestId), requestId };
  }
  const parsed = parseErrorBody(text);
  const detail = redact(parsed.message || response.statusText, req);
  const message = `${what} failed (${response.status}): ${detail}${requestId ? ` [request ${requestId}]` : ""}`;
  const opts = requestId ? { requestId } : {};
  if (response.status === 401) {
    throw new CloudAuthError(`${message}; check the cloud's credentials (clouds.yaml auth or OS_* variables)`, 401, opts);
  }
  // Nova says quota with 403 (413 before Pike); ports are counted as "Maximum number of ports
  // exceeded"; Neutron answers its own OverQuota with 409. Not just "quota": a policy refusal of
  // os-quota-sets is a 403 naming it too (seen against a real Nova).
  const quota = /quota exceeded|maximum number of \w+ exceeded/i.test(detail);
  if (((response.status === 403 || response.status === 413) && quota) || parsed.fault === "OverQuota") {
    throw new QuotaError(`${message}; free some capacity or raise the project's quota`, response.status, opts);
  }
  throw new CloudError(message, response.status, opts);
}

function networkError(what: string, req: HttpRequest, timeoutMs: number, error: unknown): CloudError {
  const origin = new URL(req.baseUrl).origin;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new CloudError(`${what} timed out after ${timeoutMs} ms (${origin}); the service may be overloaded or unreachable`, 0, { cause: error });
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new CloudError(`${what} failed: cannot reach ${origin} (${redact(reason, req)}); check the endpoint, network and proxy settings`, 0, { cause: error });
}

function parseJson(text: string, what: string, requestId: string | undefined): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CloudError(`${what} returned a body that is not JSON${requestId ? ` [request ${requestId}]` : ""}`, 0, { cause: error, ...(requestId ? { requestId } : {}) });
  }
}

/** Removes the request's token and declared secrets from a message the server wrote. */
function redact(message: string, req: HttpRequest): string {
  const token = Object.entries(req.headers ?? {}).find(([name]) => name.toLowerCase() === "x-auth-token")?.[1];
  const secrets = [...(req.redact ?? []), token].filter((s): s is string => !!s && s.length >= 4);
  return secrets.reduce((text, secret) => text.replaceAll(secret, "[redacted]"), message);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
