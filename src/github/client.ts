/**
 * The GitHub client: `@octokit/rest` with plugin-throttling and plugin-retry, composed with
 * `.plugin()` the way `@octokit/rest` composes its own plugins. Every request gets a timeout and
 * the REST API version header; only idempotent requests are retried on errors; rate limits are
 * waited out a bounded number of times (reference/openstack-github-apis.md §E).
 */
import { createAppAuth } from "@octokit/auth-app";
import { retry, type RetryPlugin } from "@octokit/plugin-retry";
import { throttling, type ThrottlingOptions } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { ConfigError, type Problem } from "../manager/errors.js";
import { silentLogger, type Logger } from "../manager/ports.js";
import type { GitHubAuth } from "../manager/types.js";
import { createLimiterGroups } from "./_limiter.js";

/** An Octokit made by `createOctokit`: `@octokit/rest` plus the throttling and retry plugins. */
export type GitHubClient = Octokit & RetryPlugin;

const FleetOctokit = Octokit.plugin(throttling, retry);

/** Options of `createOctokit`; only `auth` is required. */
export interface GitHubClientOptions {
  auth: GitHubAuth;
  /** REST API root; GitHub Enterprise Server: `https://ghe.example/api/v3`. */
  apiUrl?: string;
  /** Injected `fetch` (the sandbox, tests); also used by the App auth's token requests. */
  fetch?: typeof fetch;
  userAgent?: string;
  /** Per attempt, until the response headers arrive (default 30 s). */
  timeoutMs?: number;
  throttle?: {
    enabled?: boolean;
    /** How many times one request waits out a rate limit before failing (default 2). */
    maxRetries?: number;
    /** Longer announced waits fail at once with `RateLimitError` (default 60 s). */
    maxWaitSeconds?: number;
    /** Requests in flight at once for this client (default 10; GitHub allows 100). */
    maxConcurrent?: number;
    /** Minimum gap between two writes of this client (default 0). */
    writeIntervalMs?: number;
    /** Milliseconds per announced second of wait; tests shrink it (default 1000). */
    retryAfterBaseMs?: number;
  };
  retry?: {
    enabled?: boolean;
    /** Retries of a failed idempotent request: 5xx and network errors (default 3). */
    retries?: number;
    /** Backoff unit: the n-th retry waits n² units (default 1000 ms). */
    retryAfterBaseMs?: number;
  };
  logger?: Logger;
}

// https://docs.github.com/en/rest/about-the-rest-api/api-versions
const API_VERSION = "2022-11-28";
// plugin-retry's defaults plus 409 (name conflict) and 429 (rate limits are plugin-throttling's
// job; letting plugin-retry also retry them would multiply the waits).
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];
// RFC 9110 §9.2.2: these methods may be repeated without changing the outcome.
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Creates an Octokit for a PAT or a GitHub App installation; fails with `ConfigError` on bad options. */
export function createOctokit(options: GitHubClientOptions): GitHubClient {
  const {
    auth,
    apiUrl = "https://api.github.com",
    fetch: fetchImpl = globalThis.fetch,
    userAgent = "runner-fleet",
    timeoutMs = 30_000,
    throttle = {},
    retry: retryOptions = {},
    logger = silentLogger,
  } = options;
  const baseUrl = checkOptions(auth, apiUrl, timeoutMs);
  const { maxRetries = 2, maxWaitSeconds = 60, maxConcurrent = 10, writeIntervalMs = 0 } = throttle;

  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      // Logged without headers: the request options hold the authorization header.
      const fields = { method: request.method, url: request.url, retryAfter, retryCount };
      if (retryCount < maxRetries && retryAfter <= maxWaitSeconds) {
        logger.warn(`GitHub ${kind} rate limit: retrying in ${retryAfter} s`, fields);
        return true;
      }
      logger.warn(`GitHub ${kind} rate limit: giving up`, fields);
      return false;
    };
  // plugin-throttling's Bottleneck groups are module-global and serialize every write of the
  // process to one a second (gotcha E.2); each client gets its own groups instead.
  const throttleOptions: ThrottlingOptions & ReturnType<typeof createLimiterGroups> = {
    enabled: throttle.enabled ?? true,
    onRateLimit: onLimit("primary"),
    onSecondaryRateLimit: onLimit("secondary"),
    retryAfterBaseValue: throttle.retryAfterBaseMs ?? 1000,
    ...createLimiterGroups({ maxConcurrent, writeIntervalMs }),
  };

  const common = {
    baseUrl,
    userAgent,
    log: {
      // Octokit logs one info line per request; that is debug detail for us.
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.debug(message),
      warn: (message: string) => logger.warn(message),
      // Failed requests are thrown, translated, to callers who decide whether they matter.
      error: (message: string) => logger.debug(message),
    },
    request: { fetch: withTransport(fetchImpl, timeoutMs) },
    throttle: throttleOptions,
    // Never a global `request.retries`: plugin-retry would then retry every error, 422 included
    // (gotcha E.1). The default count lives here instead.
    retry: {
      enabled: retryOptions.enabled ?? true,
      retries: retryOptions.retries ?? 3,
      retryAfterBaseValue: retryOptions.retryAfterBaseMs ?? 1000,
      doNotRetry: DO_NOT_RETRY,
    },
  };
  const octokit =
    "token" in auth
      ? new FleetOctokit({ ...common, auth: auth.token })
      : new FleetOctokit({
          ...common,
          // auth-app gets Octokit's own `request` (baseUrl, fetch, timeout) from @octokit/core.
          authStrategy: createAppAuth,
          auth: { appId: auth.appId, installationId: auth.installationId, privateKey: normalizeKey(auth.privateKey) },
        });

  // Retrying a POST that GitHub may have carried out would register a runner twice (409), so
  // non-idempotent requests are sent once. `retries: 0` per request is safe, unlike a global value.
  octokit.hook.before("request", (endpoint) => {
    if (!IDEMPOTENT.has(endpoint.method)) endpoint.request = { ...endpoint.request, retries: 0 };
  });
  return octokit;
}

// --- internal ---

function checkOptions(auth: GitHubAuth, apiUrl: string, timeoutMs: number): string {
  const problems: Problem[] = [];
  if ("token" in auth) {
    if (auth.token.trim() === "") problems.push({ path: "github.token", message: "the token is empty" });
  } else {
    if (String(auth.appId).trim() === "") problems.push({ path: "github.app.appId", message: "the app id is empty" });
    if (!Number.isInteger(auth.installationId) || auth.installationId <= 0) {
      problems.push({ path: "github.app.installationId", message: "must be a positive integer (see the app's installation URL)" });
    }
    if (!normalizeKey(auth.privateKey).includes("-----BEGIN")) {
      problems.push({ path: "github.app.privateKey", message: "must be the app's PEM private key ('-----BEGIN ... PRIVATE KEY-----')" });
    }
  }
  let url: URL | undefined;
  try {
    url = new URL(apiUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    problems.push({ path: "github.apiUrl", message: `'${apiUrl}' is not an http(s) URL; GitHub Enterprise Server: 'https://HOST/api/v3'` });
  }
  if (!(timeoutMs > 0)) problems.push({ path: "github.timeoutMs", message: "must be a positive number of milliseconds" });
  if (problems.length > 0) throw new ConfigError(problems);
  // Octokit appends routes to the base URL as they are: a trailing slash would double.
  return apiUrl.replace(/\/+$/, "");
}

// Keys from environment variables often carry literal `\n` instead of newlines.
function normalizeKey(key: string): string {
  return key.includes("\\n") ? key.replace(/\\n/g, "\n") : key;
}

/**
 * Wraps `fetch` to give every attempt its own timeout, and to send the API version header on
 * every request, the App's token requests included (they bypass Octokit's hooks, and
 * @octokit/core 7 has no `headers` constructor option).
 */
function withTransport(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const headers = new Headers(init?.headers);
    if (!headers.has("x-github-api-version")) headers.set("x-github-api-version", API_VERSION);
    try {
      return await fetchImpl(input, { ...init, headers, signal });
    } catch (error) {
      // Octokit turns this into a RequestError without a response (a network failure, retried
      // when idempotent); a plain message says what happened.
      if (timeout.aborted && !init?.signal?.aborted) throw new Error(`no answer within ${timeoutMs} ms`);
      throw error;
    }
  };
}
