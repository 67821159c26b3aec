/**
 * The serve listener on node:http: `/webhook`, `/metrics`, `/healthz`, `/readyz`, nothing else.
 * Routes are injected, so this file knows no manager, store or metrics library (and no Pulumi).
 * Answers are small JSON objects that never echo a header, a payload or an error's text.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { describeError, FleetError } from "../manager/errors.js";
import { refuseUnread, sendJson, sendText, withDeadline } from "./http-io.js";
import { type ResolvedServeHttpOptions, resolveServeHttpOptions, type ServeHttpOptions } from "./http-options.js";
import { createWebhookEndpoint, type WebhookEndpoint, type WebhookRoute } from "./http-webhook.js";

export { DEFAULT_SERVE_HOST, DEFAULT_SERVE_PORT, type ServeHttpOptions } from "./http-options.js";
export type { WebhookRoute } from "./http-webhook.js";

/** One readiness check as `/readyz` reports it. */
export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

/** What the listener serves; `webhook` is absent when demand comes from a scale set. */
export interface ServeRoutes {
  webhook?: WebhookRoute;
  metrics(): Promise<{ contentType: string; text: string }>;
  healthz(): { ok: boolean };
  readyz(): Promise<{ ok: boolean; checks: Record<string, ReadinessCheck> }>;
}

/** A running listener. */
export interface ServeHttp {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Stops taking demand (SIGTERM): `/webhook` and `/readyz` answer 503, `/healthz` stays 200. */
  stopTaking(): void;
  /** Stops listening, lets in-flight requests finish (bounded), closes idle connections. */
  close(): Promise<void>;
}

/** The listener could not bind its address. */
export class ServeListenError extends FleetError {
  constructor(host: string, port: number, cause: unknown) {
    super("serve_listen", `cannot listen on ${host}:${port} (${describeError(cause)}): choose another address or stop whatever holds it`, { cause });
  }
}

const GET_ROUTES = new Set(["/metrics", "/healthz", "/readyz"]);

/** Starts the listener; throws `ConfigError` for bad options and `ServeListenError` when it cannot bind. */
export async function startServeHttp(routes: ServeRoutes, options: ServeHttpOptions = {}): Promise<ServeHttp> {
  const config = resolveServeHttpOptions(options);
  const { logger } = config;
  let draining = false;
  let closing: Promise<void> | undefined;
  const open = new Set<ServerResponse>();
  const webhook = routes.webhook && createWebhookEndpoint(routes.webhook, {
    maxInFlight: config.maxInFlightWebhooks,
    handlerTimeoutMs: config.handlerTimeoutMs,
    retryAfterSeconds: config.retryAfterSeconds,
    logger,
    onResult: (result) => config.onWebhookResult?.(result),
    isDraining: () => draining,
  });

  const server = createServer({
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks the two timeouts above only this often (30 s by default).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
  });
  // Inactivity bound for everything else, e.g. a client that stops reading our answer; well past
  // the two above so it never pre-empts their answers (408, the handler's 503).
  server.setTimeout(2 * (config.requestTimeoutMs + config.handlerTimeoutMs));
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.once("close", () => open.delete(res));
    if (closing) res.setHeader("connection", "close");
    dispatch(req, res, routes, webhook, config, () => draining).catch((error: unknown) => {
      logger.error("serve: a request failed", { error: describeError(error) });
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: unknown) => reject(new ServeListenError(config.host, config.port, error));
    server.once("error", onError);
    server.listen(config.port, config.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  server.on("error", (error) => logger.error("serve: the listener failed", { error: describeError(error) }));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info("serve: listening", { url });

  return {
    url,
    port,
    stopTaking() {
      draining = true;
    },
    close() {
      draining = true;
      closing ??= new Promise<void>((resolve) => {
        // Answers still to come end their connections instead of keeping them alive.
        for (const res of open) if (!res.headersSent) res.setHeader("connection", "close");
        const timer = setTimeout(() => {
          logger.warn("serve: requests still in flight at close; cutting them", { open: open.size });
          server.closeAllConnections();
        }, config.closeTimeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

// --- internal ---

async function dispatch(req: IncomingMessage, res: ServerResponse, routes: ServeRoutes, webhook: WebhookEndpoint | undefined, config: ResolvedServeHttpOptions, isDraining: () => boolean): Promise<void> {
  // The path is matched against a fixed table and never written back.
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/webhook" && webhook) {
    if (req.method !== "POST") return refuseUnread(req, res, 405, { error: "method not allowed" }, { allow: "POST" });
    return webhook.serve(req, res);
  }
  if (!path || !GET_ROUTES.has(path)) return refuseUnread(req, res, 404, { error: "not found" });
  if (req.method !== "GET" && req.method !== "HEAD") return refuseUnread(req, res, 405, { error: "method not allowed" }, { allow: "GET, HEAD" });
  if (path === "/healthz") {
    const { ok } = routes.healthz();
    return sendJson(res, ok ? 200 : 503, { ok });
  }
  if (path === "/readyz") {
    if (isDraining()) return sendJson(res, 503, { ok: false, checks: { serve: { ok: false, detail: "shutting down: not taking demand" } } });
    const answer = await withDeadline(routes.readyz(), config.handlerTimeoutMs);
    if (answer.timedOut) return sendJson(res, 503, { ok: false, checks: { readyz: { ok: false, detail: "the checks did not answer in time" } } });
    const { ok, checks } = answer.value;
    return sendJson(res, ok ? 200 : 503, { ok, checks });
  }
  const answer = await withDeadline(routes.metrics(), config.handlerTimeoutMs);
  if (answer.timedOut) return sendJson(res, 503, { error: "the metrics did not render in time" });
  sendText(res, 200, answer.value.contentType, answer.value.text);
}
