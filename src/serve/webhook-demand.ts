/**
 * Webhook demand for `serve`: the fleet's `workflow_job` hook (registered or updated when asked),
 * the webhook source on the store, its route for the listener, and its missed deliveries for the
 * periodic reconcile.
 */
import type { HookDeliveries } from "../demand/ports.js";
import type { DemandStore } from "../demand/store.js";
import { createWebhookSource, type WebhookSource } from "../demand/webhook-source.js";
import type { DemandAdapters } from "../fleet/demand-adapters.js";
import type { Logger } from "../manager/ports.js";
import type { ServeSettings } from "./config.js";
import type { WebhookRoute } from "./http.js";

/** What webhook demand gives the service. */
export interface WebhookDemand {
  source: WebhookSource;
  route: WebhookRoute;
  deliveries?: HookDeliveries;
}

/** Sets the hook up (when `register`) and builds the source; throws before anything listens when GitHub refuses. */
export async function openWebhookDemand(
  settings: Required<Pick<ServeSettings, "webhook">>["webhook"],
  o: { adapters: DemandAdapters; store: DemandStore; labels: string[]; logger: Logger },
): Promise<WebhookDemand> {
  if (settings.register && settings.url) {
    const hook = await o.adapters.ensureHook(settings.url, settings.secret);
    o.logger.info(`webhook: ${hook.created ? "created" : "updated"} hook ${hook.id} delivering workflow_job to ${settings.url}`);
  }
  const source = createWebhookSource({ secret: settings.secret, labels: o.labels, store: o.store, logger: o.logger, ...(o.adapters.deliveries ? { deliveries: o.adapters.deliveries } : {}) });
  return {
    source,
    route: { maxBodyBytes: source.maxBodyBytes, handle: (request) => source.handle(request) },
    ...(o.adapters.deliveries ? { deliveries: o.adapters.deliveries } : {}),
  };
}
