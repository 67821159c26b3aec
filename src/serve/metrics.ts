/**
 * The `/metrics` exporter: a prom-client registry of its own (never the global one, so two services
 * in one process or one test file do not collide) behind small typed recording methods. This is the
 * only file that imports prom-client. Every label takes a fixed set of values; anything else is
 * recorded as "other", so a bug or a hostile input cannot grow the series without bound.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { WebhookOutcome } from "../demand/webhook.js";
import type { DeletionReason } from "../manager/plan.js";
import { VERSION } from "../version.js";

/** The runner states `runner_fleet_runners` is broken down by. */
export type RunnerGaugeState = "idle" | "busy" | "starting" | "creating" | "offline";
/** The remote APIs whose calls are counted. */
export type ApiService = "github" | "openstack";
/** What became of one runner creation. */
export type CreationOutcome = "created" | "failed";
/** What became of one runner deletion; `kept_busy` when GitHub said the runner had taken a job. */
export type DeletionResult = "deleted" | "kept_busy" | "failed";
/** A delivery's result: the handler's outcome, or the listener's own when it answered itself. */
export type WebhookResult = WebhookOutcome | "overloaded" | "timeout" | "error";

/** The recording side of the exporter, as the controller and the listener use it. */
export interface ServeMetrics {
  /** Sets every state's count at once; states left out are 0, so no stale series lingers. */
  setRunners(counts: Partial<Record<RunnerGaugeState, number>>): void;
  setQueuedJobs(count: number): void;
  /** Seconds from a job being queued to a runner picking it up. */
  observeJobWait(seconds: number): void;
  countCreation(outcome: CreationOutcome, count?: number): void;
  countDeletion(outcome: DeletionResult, reason?: DeletionReason, count?: number): void;
  /** `status` is the HTTP status code, or "error" when no answer came (network failure, timeout). */
  countApiCall(service: ApiService, status: number | "error"): void;
  observeReconcile(seconds: number): void;
  countWebhookDelivery(result: WebhookResult | string): void;
  /** The exposition text and its content type, for `GET /metrics`. */
  render(): Promise<{ contentType: string; text: string }>;
}

/** Options of `createServeMetrics`. */
export interface ServeMetricsOptions {
  /** Shown as `runner_fleet_info{version}` (default: the installed version). */
  version?: string;
  /** Process and Node.js metrics (CPU, memory, event loop); default on. */
  processMetrics?: boolean;
}

// Records of every value (not arrays) so the compiler flags a new outcome or reason left out here.
const STATES: Record<RunnerGaugeState, true> = { idle: true, busy: true, starting: true, creating: true, offline: true };
const SERVICES: Record<ApiService, true> = { github: true, openstack: true };
const CREATIONS: Record<CreationOutcome, true> = { created: true, failed: true };
const DELETIONS: Record<DeletionResult, true> = { deleted: true, kept_busy: true, failed: true };
const REASONS: Record<DeletionReason, true> = {
  "dangling-runner": true, "runner-gone": true, "vm-error": true, "vm-stopped": true, "creation-timeout": true, "duplicate-vm": true,
  "scale-down": true, "flush-idle": true, "flush-busy": true, outdated: true, "idle-timeout": true,
};
const RESULTS: Record<WebhookResult, true> = {
  accepted: true, duplicate: true, stale: true, ignored: true, unsigned: true, "bad-signature": true, "too-large": true,
  "bad-request": true, "not-for-us": true, unavailable: true, overloaded: true, timeout: true, error: true,
};

/** Builds a registry with every runner-fleet metric, ready to record and render. */
export function createServeMetrics(options: ServeMetricsOptions = {}): ServeMetrics {
  const { version = VERSION, processMetrics = true } = options;
  const registry = new Registry();
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const info = new Gauge({ name: "runner_fleet_info", help: "runner-fleet's version; always 1", labelNames: ["version"], registers });
  info.set({ version }, 1);
  const runners = new Gauge({ name: "runner_fleet_runners", help: "Runners by state, as last observed", labelNames: ["state"], registers });
  const queued = new Gauge({ name: "runner_fleet_queued_jobs", help: "Jobs queued for this fleet's labels", registers });
  const jobWait = new Histogram({
    name: "runner_fleet_job_wait_seconds",
    help: "Seconds from a job being queued to a runner picking it up",
    // A warm idle runner takes a job in seconds, a cold VM boot in a minute or two; the tail is quota or outage.
    buckets: [1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800],
    registers,
  });
  const creations = new Counter({ name: "runner_fleet_runner_creations_total", help: "Runner creations by outcome", labelNames: ["outcome"], registers });
  const deletions = new Counter({ name: "runner_fleet_runner_deletions_total", help: "Runner deletions by outcome and reason", labelNames: ["outcome", "reason"], registers });
  const apiCalls = new Counter({ name: "runner_fleet_api_calls_total", help: "Calls to GitHub and OpenStack by HTTP status (\"error\": no answer)", labelNames: ["service", "status"], registers });
  const reconcile = new Histogram({
    name: "runner_fleet_reconcile_duration_seconds",
    help: "Seconds one reconcile pass took",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers,
  });
  const deliveries = new Counter({ name: "runner_fleet_webhook_deliveries_total", help: "Webhook deliveries by result", labelNames: ["result"], registers });

  return {
    setRunners(counts) {
      // Reset and set in one synchronous step: a scrape never sees half of it.
      runners.reset();
      for (const state of Object.keys(STATES) as RunnerGaugeState[]) runners.set({ state }, amount(counts[state]));
      const other = Object.entries(counts).filter(([state]) => !Object.hasOwn(STATES, state)).reduce((sum, [, n]) => sum + amount(n), 0);
      if (other > 0) runners.set({ state: "other" }, other);
    },
    setQueuedJobs: (count) => queued.set(amount(count)),
    observeJobWait(seconds) {
      if (isAmount(seconds)) jobWait.observe(seconds);
    },
    countCreation(outcome, count = 1) {
      if (isAmount(count)) creations.inc({ outcome: bounded(outcome, CREATIONS) }, count);
    },
    countDeletion(outcome, reason, count = 1) {
      if (isAmount(count)) deletions.inc({ outcome: bounded(outcome, DELETIONS), reason: bounded(reason, REASONS) }, count);
    },
    countApiCall(service, status) {
      const code = status === "error" ? "error" : Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "other";
      apiCalls.inc({ service: bounded(service, SERVICES), status: code });
    },
    observeReconcile(seconds) {
      if (isAmount(seconds)) reconcile.observe(seconds);
    },
    countWebhookDelivery: (result) => deliveries.inc({ result: bounded(result, RESULTS) }),
    async render() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}

// --- internal ---

function bounded(value: string | undefined, allowed: Record<string, true>): string {
  return value !== undefined && Object.hasOwn(allowed, value) ? value : "other";
}

function isAmount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

// Recording must never throw into the loop: nonsense counts are recorded as 0.
function amount(value: unknown): number {
  return isAmount(value) ? value : 0;
}
