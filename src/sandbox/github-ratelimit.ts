/**
 * GitHub's two rate limits as Octokit's throttling plugin recognises them: the primary limit
 * (403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`) and secondary limits (403/429 whose
 * message says "secondary rate limit", with `retry-after`).
 * https://docs.github.com/rest/overview/rate-limits-for-the-rest-api
 */
import { DOCS, githubError } from "./github-http.js";
import type { GitHubWorldState } from "./github-state.js";
import type { SandboxResponse } from "./http.js";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Requests per hour for callers without a token (GitHub: 60 per IP). */
export const ANONYMOUS_LIMIT = 60;

/** The primary-limit verdict for one request, with the headers GitHub sends on every response. */
export interface PrimaryCharge {
  exceeded: boolean;
  headers: Record<string, string>;
}

/** Counts one request against `key`'s hourly window (a refused request is not counted). */
export function chargePrimary(state: GitHubWorldState, key: string, limit: number, now: number): PrimaryCharge {
  let window = state.rate[key];
  if (window === undefined || now >= window.windowStart + HOUR_MS) {
    window = { windowStart: now, used: 0 };
    state.rate[key] = window;
  }
  const exceeded = window.used >= limit;
  if (!exceeded) window.used += 1;
  const resetS = Math.ceil((window.windowStart + HOUR_MS) / 1000);
  return { exceeded, headers: rateHeaders(limit, window.used, resetS) };
}

/** `key`'s primary window as it stands, without counting a request (`GET /rate_limit` is free). */
export function peekPrimary(state: GitHubWorldState, key: string, limit: number, now: number): { limit: number; used: number; remaining: number; reset: number; headers: Record<string, string> } {
  const window = state.rate[key];
  const current = window !== undefined && now < window.windowStart + HOUR_MS ? window : { windowStart: now, used: 0 };
  const reset = Math.ceil((current.windowStart + HOUR_MS) / 1000);
  return { limit, used: current.used, remaining: Math.max(0, limit - current.used), reset, headers: rateHeaders(limit, current.used, reset) };
}

/** The primary-limit 403 for `headers` already showing `remaining: 0`. */
export function primaryExceeded(headers: Record<string, string>, who: string): SandboxResponse {
  const message = `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID.`;
  return githubError(403, message, DOCS.primaryRateLimit, headers);
}

/** A primary-limit 403 whose window resets `retryAfterSeconds` from now (fault injection). */
export function primaryRateFault(limit: number, now: number, retryAfterSeconds: number): SandboxResponse {
  const headers = rateHeaders(limit, limit, Math.ceil(now / 1000) + retryAfterSeconds);
  return primaryExceeded(headers, "installation ID 1");
}

/** A secondary-limit answer (403 by default; GitHub also uses 429) with `retry-after`. */
export function secondaryLimited(retryAfterSeconds: number, status = 403): SandboxResponse {
  const message =
    "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. " +
    "Please retry your request again later. If you reach out to GitHub Support for help, please include the request ID.";
  return githubError(status, message, DOCS.secondaryRateLimit, { "retry-after": String(Math.max(1, retryAfterSeconds)) });
}

/**
 * Takes one JIT-generation slot in the sliding minute (GitHub allows about 180 a minute per app).
 * Returns undefined when granted, or how many seconds to wait when the limit is reached.
 */
export function takeJitSlot(state: GitHubWorldState, perMinute: number, now: number): number | undefined {
  pruneJitTimes(state, now);
  if (state.jitTimes.length >= perMinute) {
    const oldest = state.jitTimes[0] ?? now;
    return Math.max(1, Math.ceil((oldest + MINUTE_MS - now) / 1000));
  }
  state.jitTimes.push(now);
  return undefined;
}

/** Forgets JIT generations older than a minute. */
export function pruneJitTimes(state: GitHubWorldState, now: number): void {
  const firstRecent = state.jitTimes.findIndex((t) => t > now - MINUTE_MS);
  state.jitTimes = firstRecent < 0 ? [] : state.jitTimes.slice(firstRecent);
}

function rateHeaders(limit: number, used: number, resetS: number): Record<string, string> {
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - used)),
    "x-ratelimit-used": String(used),
    "x-ratelimit-reset": String(resetS),
    "x-ratelimit-resource": "core",
  };
}
