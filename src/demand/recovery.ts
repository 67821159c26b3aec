/**
 * Recovering webhook deliveries missed while the receiver was down. GitHub never retries a failed
 * delivery by itself; its documented pattern is to list deliveries since the last check and
 * redeliver those whose status is not "OK". Redeliveries keep their GUID, so the receiver's
 * de-duplication makes a repeat harmless.
 * https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries
 */
import { ApiError, describeError } from "../manager/errors.js";
import { type Logger, silentLogger } from "../manager/ports.js";
import type { DeliverySummary, HookDeliveries } from "./ports.js";
import type { DemandStore } from "./store.js";

export { reconcileQueuedJobs, type ReconcileJobsOptions, type ReconcileJobsResult } from "./reconcile-jobs.js";

/** Key/value key of the time up to which a recovery run checked everything. */
export const RECOVERED_THROUGH_KEY = "webhook.recovered-through";

/** GitHub lists and redelivers only the past 3 days of deliveries. */
const REDELIVERY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

/** Looks back this much further than the watermark: clock skew, and deliveries in flight at it. */
const OVERLAP_MS = 10 * 60 * 1000;

/** Options of `recoverMissedDeliveries`. */
export interface RecoverDeliveriesOptions {
  deliveries: HookDeliveries;
  store: DemandStore;
  /** Where to start listing; by default the last check, else the last delivery the store saw. */
  since?: Date;
  /** At most this many redeliveries per run (default 50); the rest wait for the next run. */
  maxRedeliveries?: number;
  now?: () => Date;
  logger?: Logger;
}

/** What a recovery run did; "unavailable" means only the periodic reconcile can cover the gap. */
export type RecoveryResult =
  | { status: "unavailable"; reason: "permission" | "error"; detail: string }
  | { status: "done"; since: Date; listed: number; missed: number; redelivered: number; failed: number; deferred: number };

/** Lists recent deliveries and redelivers the failed ones the store never received, bounded; never throws for GitHub. */
export async function recoverMissedDeliveries(options: RecoverDeliveriesOptions): Promise<RecoveryResult> {
  const { deliveries, store, maxRedeliveries = 50, now = () => new Date(), logger = silentLogger } = options;
  const startedAt = now();
  const since = options.since ?? (await defaultSince(store, startedAt));
  let listed: DeliverySummary[];
  try {
    listed = await deliveries.listDeliveries(since);
  } catch (error) {
    return unavailable(error);
  }
  const missed: DeliverySummary[] = [];
  for (const attempts of groupByGuid(listed).values()) {
    const latest = attempts.reduce((a, b) => (b.deliveredAt > a.deliveredAt ? b : a));
    if (latest.event !== "workflow_job" || attempts.some((a) => a.status === "OK")) continue;
    if (!(await store.hasDelivery(latest.guid))) missed.push(latest);
  }
  // Oldest first, so a job's queued is redelivered before its in_progress.
  missed.sort((a, b) => a.deliveredAt.getTime() - b.deliveredAt.getTime());
  const batch = missed.slice(0, maxRedeliveries);
  let failed = 0;
  for (const delivery of batch) {
    try {
      await deliveries.redeliver(delivery.id);
    } catch (error) {
      failed++;
      logger.warn("recovery: redelivery failed", { deliveryId: delivery.guid, error: describeError(error) });
    }
  }
  const deferred = missed.length - batch.length;
  // Move the watermark only when nothing is left over, so an interrupted run is resumed.
  if (failed === 0 && deferred === 0) await store.setValue(RECOVERED_THROUGH_KEY, String(startedAt.getTime()));
  return { status: "done", since, listed: listed.length, missed: missed.length, redelivered: batch.length - failed, failed, deferred };
}

// --- internal ---

async function defaultSince(store: DemandStore, now: Date): Promise<Date> {
  const checked = await store.getValue(RECOVERED_THROUGH_KEY);
  const last = checked ? new Date(Number(checked)) : await store.lastDeliveryAt();
  const floor = now.getTime() - REDELIVERY_WINDOW_MS;
  return new Date(Math.max(floor, last ? last.getTime() - OVERLAP_MS : floor));
}

function groupByGuid(attempts: DeliverySummary[]): Map<string, DeliverySummary[]> {
  const groups = new Map<string, DeliverySummary[]>();
  for (const attempt of attempts) groups.set(attempt.guid, [...(groups.get(attempt.guid) ?? []), attempt]);
  return groups;
}

function unavailable(error: unknown): RecoveryResult {
  const status = error instanceof ApiError ? error.status : undefined;
  // Listing deliveries needs admin on the hook: repository admin, or an org owner's token with
  // admin:org_hook. https://docs.github.com/en/rest/orgs/webhooks#list-deliveries-for-an-organization-webhook
  if (status === 401 || status === 403 || status === 404) {
    return {
      status: "unavailable",
      reason: "permission",
      detail: `listing hook deliveries was refused (${status}): the token needs admin on the hook (admin:org_hook for an org hook); missed deliveries are covered by the periodic reconcile instead`,
    };
  }
  return { status: "unavailable", reason: "error", detail: `listing hook deliveries failed: ${describeError(error)}` };
}
