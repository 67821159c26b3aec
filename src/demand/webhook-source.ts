/**
 * The webhook receiver as a `DemandSource`: `start` recovers missed deliveries and then takes
 * demand; `stop` refuses new deliveries with 503 so GitHub marks them failed and the next start
 * redelivers them. src/serve routes `POST /webhook` to `handle`.
 */
import { type Logger, silentLogger } from "../manager/ports.js";
import type { DemandEvent } from "./events.js";
import type { DemandSink, DemandSource, DemandSourceStatus, HookDeliveries } from "./ports.js";
import { recoverMissedDeliveries, type RecoveryResult } from "./recovery.js";
import type { DemandStore } from "./store.js";
import { createWebhookHandler, type WebhookHandlerOptions, type WebhookRequest, type WebhookResponse } from "./webhook.js";

/** Options of `createWebhookSource`: the handler's, less the sink, plus the recovery port. */
export interface WebhookSourceOptions extends Omit<WebhookHandlerOptions, "sink"> {
  store: DemandStore;
  /** GitHub's hook deliveries; without it (or without hook admin) recovery is left to the reconcile. */
  deliveries?: HookDeliveries;
  maxRedeliveries?: number;
  logger?: Logger;
}

/** A webhook `DemandSource` plus the request handler the HTTP layer calls. */
export interface WebhookSource extends DemandSource {
  handle(request: WebhookRequest): Promise<WebhookResponse>;
  readonly maxBodyBytes: number;
  /** What recovery on start did; "unavailable" (or undefined) tells serve to run one full reconcile. */
  readonly recovery: RecoveryResult | undefined;
}

/** Builds the webhook source; throws `ConfigError` like `createWebhookHandler`. */
export function createWebhookSource(options: WebhookSourceOptions): WebhookSource {
  const { deliveries, maxRedeliveries, logger = silentLogger, ...handlerOptions } = options;
  let sink: DemandSink | undefined;
  let state: "new" | "running" | "stopped" = "new";
  let recovery: RecoveryResult | undefined;
  const forward: DemandSink = {
    event: async (event: DemandEvent) => sink?.event(event),
    snapshot: async (snapshot) => sink?.snapshot(snapshot),
  };
  const handler = createWebhookHandler({ ...handlerOptions, logger, sink: forward });
  const inFlight = new Set<Promise<WebhookResponse>>();
  const refuse = (detail: string): WebhookResponse => ({ status: 503, body: { outcome: "unavailable", detail }, outcome: "unavailable" });

  return {
    maxBodyBytes: handler.maxBodyBytes,
    get recovery() {
      return recovery;
    },
    async start(demandSink) {
      sink = demandSink;
      state = "running";
      // Deliveries are taken while recovery runs: redeliveries and new ones de-duplicate alike.
      if (deliveries) {
        recovery = await recoverMissedDeliveries({ deliveries, store: options.store, logger, ...(maxRedeliveries ? { maxRedeliveries } : {}), ...(options.now ? { now: options.now } : {}) });
        if (recovery.status === "unavailable") logger.warn("webhook: missed deliveries cannot be recovered", { detail: recovery.detail });
      }
    },
    async stop() {
      state = "stopped";
      // Deliveries already being handled finish; nothing reaches the sink after this resolves.
      await Promise.allSettled([...inFlight]);
    },
    status(): DemandSourceStatus {
      if (state !== "running") return { connected: false, detail: state === "new" ? "webhook receiver not started" : "webhook receiver stopped" };
      if (!recovery) return { connected: true, detail: deliveries ? "receiving; recovering missed deliveries" : "receiving; no delivery recovery configured" };
      if (recovery.status === "unavailable") return { connected: true, detail: `receiving; ${recovery.detail}` };
      return { connected: true, detail: `receiving; recovery redelivered ${recovery.redelivered} of ${recovery.missed} missed deliveries` };
    },
    async handle(request) {
      if (state !== "running") return refuse(state === "new" ? "the receiver is starting" : "the receiver is stopping");
      const handling = handler.handle(request);
      inFlight.add(handling);
      try {
        return await handling;
      } finally {
        inFlight.delete(handling);
      }
    },
  };
}
