/**
 * `POST /webhook`: a gate (draining, bounded concurrency, declared size), a bounded read, then the
 * demand room's handler under a deadline. Every delivery is reported by result for the metrics.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { describeError } from "../manager/errors.js";
import type { Logger } from "../manager/ports.js";
import { readBody, refuseUnread, sendJson, withDeadline } from "./http-io.js";

/** The webhook receiver as the listener sees it (src/demand's `WebhookSource` fits). */
export interface WebhookRoute {
  /** Bodies above this are refused with 413 before they are read in full. */
  readonly maxBodyBytes: number;
  handle(request: { headers: IncomingHttpHeaders; body: Buffer }): Promise<{ status: number; body: unknown; outcome?: string }>;
}

/** What the endpoint needs from the listener. */
export interface WebhookEndpointOptions {
  maxInFlight: number;
  handlerTimeoutMs: number;
  retryAfterSeconds: number;
  logger: Logger;
  /** Called once per delivery with the handler's outcome or the listener's own result. */
  onResult(result: string): void;
  /** True once the service stops taking demand (SIGTERM). */
  isDraining(): boolean;
}

/** One webhook endpoint; `inFlight` counts deliveries being read or handled. */
export interface WebhookEndpoint {
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
  inFlight(): number;
}

/** Builds the endpoint around a route. */
export function createWebhookEndpoint(route: WebhookRoute, options: WebhookEndpointOptions): WebhookEndpoint {
  const { maxInFlight, handlerTimeoutMs, logger, onResult } = options;
  const retryAfter = { "retry-after": String(options.retryAfterSeconds) };
  let inFlight = 0;
  const tooLarge = { outcome: "too-large", detail: `the body exceeds ${route.maxBodyBytes} bytes` };
  const report = (result: string) => {
    try {
      onResult(result);
    } catch (error) {
      logger.warn("serve: counting a webhook delivery failed", { error: describeError(error) });
    }
  };

  return {
    inFlight: () => inFlight,
    async serve(req, res) {
      if (options.isDraining()) {
        report("unavailable");
        // GitHub marks the delivery failed; recovery on the next start redelivers it.
        return refuseUnread(req, res, 503, { outcome: "unavailable", detail: "runner-fleet is shutting down; redeliver later" }, retryAfter);
      }
      if (inFlight >= maxInFlight) {
        report("overloaded");
        return refuseUnread(req, res, 503, { outcome: "unavailable", detail: "too many deliveries in flight; redeliver later" }, retryAfter);
      }
      if (Number(req.headers["content-length"]) > route.maxBodyBytes) {
        report("too-large");
        return refuseUnread(req, res, 413, tooLarge);
      }
      // The slot is held until the handler settles, not until we answer, so handlers that outlive
      // their deadline still count against the limit and cannot pile up.
      inFlight += 1;
      let released = false;
      const release = () => {
        if (!released) inFlight -= 1;
        released = true;
      };
      try {
        const read = await readBody(req, route.maxBodyBytes);
        if (read.kind !== "body") {
          release();
          if (read.kind === "too-large") {
            report("too-large");
            refuseUnread(req, res, 413, tooLarge);
          }
          return;
        }
        const handling = Promise.resolve().then(() => route.handle({ headers: req.headers, body: read.body }));
        handling.then(release, release);
        const answer = await withDeadline(handling, handlerTimeoutMs);
        if (answer.timedOut) {
          handling.catch((error: unknown) => logger.error("serve: a webhook delivery failed after its deadline", { error: describeError(error) }));
          logger.warn("serve: a webhook delivery outlived its deadline", { timeoutMs: handlerTimeoutMs });
          report("timeout");
          return sendJson(res, 503, { outcome: "unavailable", detail: "the delivery took too long; redeliver later" }, { headers: retryAfter });
        }
        sendJson(res, answer.value.status, answer.value.body);
        report(answer.value.outcome ?? "other");
      } catch (error) {
        release();
        logger.error("serve: the webhook handler failed", { error: describeError(error) });
        report("error");
        sendJson(res, 500, { error: "internal error" });
      }
    },
  };
}
