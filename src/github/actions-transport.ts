/**
 * One HTTP exchange with the Actions service (or the runner registration): a timeout on every
 * attempt, retries of transport errors, 429 and 5xx except 501 with backoff honouring
 * `Retry-After` (go-retryablehttp's policy, which the Go client uses: reference §2), and the
 * body read as text with a UTF-8 BOM stripped (§1.2.6). Nothing here logs or sees a secret's meaning.
 */
import { actionsNetworkError } from "./actions-errors.js";

/** How often and how long to wait; `retryAfterUnitMs` scales `Retry-After` seconds (tests shrink it). */
export interface RetryPolicy {
  maxRetries: number;
  minDelayMs: number;
  maxDelayMs: number;
  retryAfterUnitMs: number;
  /** Adds up to one more delay unit at random, so restarting listeners do not retry in step. */
  jitter: boolean;
}

/** go-retryablehttp v0.7.8's defaults: 4 retries, 1 s doubling up to 30 s (reference §2). */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, minDelayMs: 1000, maxDelayMs: 30_000, retryAfterUnitMs: 1000, jitter: false };

/** Waits `ms`; rejects when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Options shared by everything that talks to the Actions service. */
export interface TransportOptions {
  /** Injected `fetch` (the sandbox, tests). */
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
}

/** A response as read: status, headers, and the body text without a BOM. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Per-call settings of `ActionsTransport.send`. */
export interface SendOptions {
  timeoutMs: number;
  /** A verb phrase for error messages. */
  action: string;
  signal?: AbortSignal;
  /** Statuses retried besides 429 and 5xx (the runner registration adds 401/403, §1.2.3). */
  alsoRetry?: (status: number) => boolean;
  retry?: Partial<RetryPolicy>;
}

/** Waits with `setTimeout`, abortable. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => (signal?.removeEventListener("abort", onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(timer), reject(signal?.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Sends requests with the retry policy; throws `ActionsServiceError` (status 0) when no answer came. */
export class ActionsTransport {
  readonly #fetch: typeof fetch;
  readonly #policy: RetryPolicy;
  readonly #sleep: Sleep;
  readonly #random: () => number;

  constructor(options: TransportOptions = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#policy = { ...DEFAULT_RETRY, ...options.retry };
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  /** The final answer after retries, whatever its status; `init` is rebuilt per attempt by `build`. */
  async send(url: string, build: () => Promise<RequestInit> | RequestInit, options: SendOptions): Promise<RawResponse> {
    const policy = { ...this.#policy, ...options.retry };
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= policy.maxRetries;
      let response: RawResponse;
      try {
        response = await this.#once(url, await build(), options);
      } catch (error) {
        if (options.signal?.aborted || last || isTimeout(error)) throw error;
        await this.#sleep(this.#delay(policy, attempt, undefined), options.signal);
        continue;
      }
      const retryable = (response.status >= 500 && response.status !== 501) || response.status === 429 || options.alsoRetry?.(response.status) === true;
      if (!retryable || last) return response;
      await this.#sleep(this.#delay(policy, attempt, response), options.signal);
    }
  }

  async #once(url: string, init: RequestInit, options: SendOptions): Promise<RawResponse> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await this.#fetch(url, { ...init, signal });
      // Read inside the attempt: a reset in the middle of the body is a transport error too.
      const text = await response.text();
      return { status: response.status, headers: response.headers, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted) throw Object.assign(actionsNetworkError(`no answer within ${options.timeoutMs} ms`, options.action), { timedOut: true });
      throw actionsNetworkError(causeText(error), options.action);
    }
  }

  #delay(policy: RetryPolicy, attempt: number, response: RawResponse | undefined): number {
    // retryablehttp honours Retry-After on 429 and 503 only.
    if (response && (response.status === 429 || response.status === 503)) {
      const seconds = Number(response.headers.get("retry-after"));
      if (Number.isFinite(seconds) && seconds >= 0 && response.headers.has("retry-after")) return seconds * policy.retryAfterUnitMs;
    }
    const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
    return policy.jitter ? Math.min(policy.maxDelayMs, base + this.#random() * policy.minDelayMs) : base;
  }
}

// --- internal ---

// A timeout already spent the whole budget; the caller's own loop decides whether to go again.
function isTimeout(error: unknown): boolean {
  return typeof error === "object" && error !== null && "timedOut" in error;
}

// undici's "fetch failed" hides the reason (ECONNRESET, ECONNREFUSED) in `cause`.
function causeText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
