/**
 * Requests to the Actions service (reference §1.2.5): `{serviceUrl}/{path}` with
 * `api-version=6.0-preview`, the admin JWT (or the session's queue token), a JSON User-Agent,
 * retries and timeouts from `ActionsTransport`, errors mapped from `{typeName, message}`.
 */
import { actionsErrorFrom } from "./actions-errors.js";
import type { ActionsCredentials } from "./actions-auth.js";
import { ACTIONS_API_VERSION } from "./actions-config.js";
import { ActionsTransport, type RawResponse, type TransportOptions } from "./actions-transport.js";

/** Where the admin token comes from (`ActionsAuth`). */
export interface CredentialSource {
  credentials(): Promise<ActionsCredentials>;
  invalidate(): void;
}

/** One Actions service request. */
export interface ActionsRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** A path under the service URL (`_apis/…`), or an absolute URL (the message queue, §1.6). */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** A bearer token other than the admin token: the session's queue token (§1.6, §1.8). */
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** A verb phrase for error messages ("creating the session"). */
  action: string;
}

/** Options of `ActionsHttp`. */
export interface ActionsHttpOptions extends TransportOptions {
  auth: CredentialSource;
  /** Per call, except where a request says otherwise (default 30 s). */
  timeoutMs?: number;
  /** The JSON User-Agent, read per request (it names the scale set once known). */
  userAgent: () => string;
}

/** Sends Actions service requests with the held admin token. */
export class ActionsHttp {
  readonly #o: ActionsHttpOptions;
  readonly #transport: ActionsTransport;

  constructor(options: ActionsHttpOptions) {
    this.#o = options;
    this.#transport = new ActionsTransport(options);
  }

  /** The answer, whatever its status (after retries of 429/5xx); callers map the ones they expect. */
  async send(request: ActionsRequest): Promise<RawResponse> {
    // The queue URL is absolute and carries its own token: a poll does not wait on the chain.
    const queueCall = request.token !== undefined && /^https?:\/\//i.test(request.path);
    let credentials = queueCall ? undefined : await this.#o.auth.credentials();
    const response = await this.#once(request, credentials);
    if (response.status !== 401 || request.token !== undefined) return response;
    // The service refused a token we thought valid: run the chain again, once.
    this.#o.auth.invalidate();
    credentials = await this.#o.auth.credentials();
    return this.#once(request, credentials);
  }

  /** The answer of a request that must succeed; throws `ActionsServiceError` otherwise. */
  async call(request: ActionsRequest): Promise<RawResponse> {
    const response = await this.send(request);
    if (response.status < 200 || response.status > 299) throw actionsErrorFrom(response.status, response.text, response.headers, request.action);
    return response;
  }

  #once(request: ActionsRequest, credentials: ActionsCredentials | undefined): Promise<RawResponse> {
    const absolute = /^https?:\/\//i.test(request.path);
    const url = new URL(absolute || !credentials ? request.path : `${credentials.serviceUrl}/${request.path.replace(/^\/+/, "")}`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    if (!url.searchParams.has("api-version")) url.searchParams.set("api-version", ACTIONS_API_VERSION);
    const headers: Record<string, string> = {
      authorization: `Bearer ${request.token ?? credentials?.token ?? ""}`,
      "content-type": "application/json",
      "user-agent": this.#o.userAgent(),
      ...request.headers,
    };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    return this.#transport.send(url.toString(), () => ({ method: request.method, headers, ...(body === undefined ? {} : { body }) }), {
      timeoutMs: request.timeoutMs ?? this.#o.timeoutMs ?? 30_000,
      action: request.action,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  }
}
