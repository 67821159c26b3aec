/** Options of the serve listener: defaults in one destructuring, every problem reported at once. */
import { ConfigError, type Problem } from "../manager/errors.js";
import { type Logger, silentLogger } from "../manager/ports.js";

/** Loopback by default: exposing the listener is a decision (a reverse proxy, a tunnel), not an accident. */
export const DEFAULT_SERVE_HOST = "127.0.0.1";
/** The listener's default port (SPEC §9). */
export const DEFAULT_SERVE_PORT = 9180;

/** How the listener listens and how long anything may take. */
export interface ServeHttpOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Time to receive a whole request; GitHub gives a receiver 10 s in all (default 10 000). */
  requestTimeoutMs?: number;
  /** Time to receive the headers (default 5 000, at most `requestTimeoutMs`). */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (default 5 000). */
  keepAliveTimeoutMs?: number;
  /** Time a route handler may take before the listener answers for it (default 9 000: a second inside `requestTimeoutMs`). */
  handlerTimeoutMs?: number;
  /** Webhook deliveries read or handled at once; beyond it, 503 (default 64). */
  maxInFlightWebhooks?: number;
  /** How long `close()` waits for in-flight requests before cutting them (default 5 000). */
  closeTimeoutMs?: number;
  /** The Retry-After of 503 answers, in seconds (default 30). */
  retryAfterSeconds?: number;
  logger?: Logger;
  /** Called once per webhook delivery with its result (the handler's outcome or the listener's). */
  onWebhookResult?(result: string): void;
}

/** The options with every default applied. */
export type ResolvedServeHttpOptions = Required<Omit<ServeHttpOptions, "onWebhookResult">> & Pick<ServeHttpOptions, "onWebhookResult">;

/** Applies the defaults; throws `ConfigError` naming every unusable option. */
export function resolveServeHttpOptions(options: ServeHttpOptions): ResolvedServeHttpOptions {
  const {
    host = DEFAULT_SERVE_HOST,
    port = DEFAULT_SERVE_PORT,
    requestTimeoutMs = 10_000,
    keepAliveTimeoutMs = 5_000,
    maxInFlightWebhooks = 64,
    closeTimeoutMs = 5_000,
    retryAfterSeconds = 30,
    logger = silentLogger,
    onWebhookResult,
  } = options;
  // Answering just inside GitHub's 10 s leaves time for the answer to travel.
  const { headersTimeoutMs = Math.min(5_000, requestTimeoutMs), handlerTimeoutMs = Math.max(Math.floor(requestTimeoutMs * 0.9), requestTimeoutMs - 1_000) } = options;
  const problems: Problem[] = [];
  if (typeof host !== "string" || host.length === 0) problems.push({ path: "host", message: "must be a host name or address, e.g. 127.0.0.1" });
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push({ path: "port", message: "must be a whole number from 0 to 65535" });
  const positive = { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs, handlerTimeoutMs, maxInFlightWebhooks, closeTimeoutMs, retryAfterSeconds };
  for (const [path, value] of Object.entries(positive)) {
    if (!Number.isInteger(value) || value <= 0) problems.push({ path, message: "must be a whole number above 0" });
  }
  // node:http refuses a headers timeout longer than the request timeout.
  if (headersTimeoutMs > requestTimeoutMs) problems.push({ path: "headersTimeoutMs", message: "must not exceed requestTimeoutMs" });
  if (problems.length > 0) throw new ConfigError(problems);
  return { host, port, requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs, handlerTimeoutMs, maxInFlightWebhooks, closeTimeoutMs, retryAfterSeconds, logger, onWebhookResult };
}
