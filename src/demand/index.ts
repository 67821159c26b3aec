/**
 * The demand room: sources of demand (webhook, scale-set listener) behind one port, and the
 * durable record they share. src/serve wires these; the manager never imports them.
 */
export * from "./errors.js";
export * from "./events.js";
export * from "./labels.js";
export * from "./ports.js";
export * from "./store.js";
export { advanceJob, isForward } from "./job-state.js";
export { openPostgresDemandStore, PostgresDemandStore, type PostgresStoreOptions } from "./postgres-store.js";
export { openSqliteDemandStore, SqliteDemandStore, type SqliteStoreOptions } from "./sqlite-store.js";
export { createWebhookHandler, DEFAULT_MAX_BODY_BYTES, type WebhookHandler, type WebhookHandlerOptions, type WebhookOutcome, type WebhookRequest, type WebhookResponse } from "./webhook.js";
export { recoverMissedDeliveries, RECOVERED_THROUGH_KEY, type RecoverDeliveriesOptions, type RecoveryResult } from "./recovery.js";
export { reconcileQueuedJobs, RECONCILE_CURSOR_KEY, type ReconcileJobsOptions, type ReconcileJobsResult } from "./reconcile-jobs.js";
export { createWebhookSource, type WebhookSource, type WebhookSourceOptions } from "./webhook-source.js";
export { QueueAuthError, ScaleSetSessionError, SessionConflictError, SessionLostError, type ScaleSetErrorCode } from "./scale-set-errors.js";
export { createScaleSetSource, type ScaleSetSource, type ScaleSetSourceOptions } from "./scale-set-source.js";
export { STANDBY_DETAIL, type ListenerPhase } from "./scale-set-status.js";
export { toSnapshot as scaleSetSnapshot } from "./scale-set-messages.js";
export type { BackoffOptions } from "./scale-set-backoff.js";
