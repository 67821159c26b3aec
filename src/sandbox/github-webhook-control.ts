/**
 * The sandbox's own webhook controls (GitHub has none of these): read and set the delivery faults
 * at run time, and see how many attempts are still on their way, so that tests in any language
 * can wait for the outbox to drain instead of sleeping.
 */
import { SANDBOX_PREFIX } from "./github-control-routes.js";
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, validationError } from "./github-http.js";
import { parseWebhookFaults } from "./github-webhook-faults.js";
import type { WebhookService } from "./github-webhooks.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** `GET /_sandbox/webhooks` (faults and pending attempts) and `PUT /_sandbox/webhooks/faults`. */
export function webhookControlRoutes(ctx: SideContext, webhooks: WebhookService): Route[] {
  return [
    guarded(ctx, "admin", "GET", `${SANDBOX_PREFIX}webhooks`, () => ({
      status: 200,
      body: { faults: webhooks.faults(), pending: webhooks.pendingCount() },
    })),
    guarded(ctx, "admin", "PUT", `${SANDBOX_PREFIX}webhooks/faults`, (req) => setFaults(webhooks, req)),
  ];
}

// --- internal ---

function setFaults(webhooks: WebhookService, req: SandboxRequest): SandboxResponse {
  const parsed = parseWebhookFaults(req.body ?? {});
  if ("errors" in parsed) {
    return validationError(`Invalid request to ${SANDBOX_PREFIX}webhooks/faults: ${parsed.errors.join("; ")}`, DOCS.repoHooks, parsed.errors);
  }
  webhooks.setFaults(parsed);
  return { status: 200, body: { faults: webhooks.faults() } };
}
