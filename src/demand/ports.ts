/**
 * The demand room's ports, in our types only (no Octokit types): the port every demand source
 * implements, the sink `serve` hands it, and the GitHub calls webhook recovery needs. The Octokit
 * adapter for `HookDeliveries` and `JobLookup` belongs in src/github; tests use fakes.
 */
import type { DemandEvent, DemandSnapshot } from "./events.js";

/**
 * Receives what a source observes. Both methods resolve once the signal is recorded, so a source
 * that must acknowledge upstream (the scale-set listener deletes messages) can do so only after.
 */
export interface DemandSink {
  /** One job transition, already de-duplicated and forward-only. */
  event(event: DemandEvent): Promise<void>;
  /** An absolute snapshot of demand; sources that only see events never call it. */
  snapshot(snapshot: DemandSnapshot): Promise<void>;
}

/** How a source is doing, for `/readyz` and logs; `detail` never holds a secret. */
export interface DemandSourceStatus {
  connected: boolean;
  detail: string;
}

/**
 * A demand source: the webhook receiver, or (later) the scale-set long-poll listener. `start`
 * resolves once the source is taking demand (a listener: session open; a webhook: recovery done).
 */
export interface DemandSource {
  start(sink: DemandSink): Promise<void>;
  /** Stops taking demand; resolves when nothing more will reach the sink. */
  stop(): Promise<void>;
  status(): DemandSourceStatus;
}

/**
 * One delivery attempt as GitHub lists it (`GET …/hooks/{id}/deliveries`); a redelivery is a new
 * attempt with a new `id` and the same `guid`.
 * https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 */
export interface DeliverySummary {
  /** The attempt's id, which `redeliver` takes. */
  id: number;
  /** `X-GitHub-Delivery`: the same for every attempt of one event. */
  guid: string;
  deliveredAt: Date;
  /** `"OK"` when the receiver answered 2xx in time, otherwise a failure text. */
  status: string;
  /** The receiver's HTTP status; 0 when there was no answer. */
  statusCode: number;
  event: string;
  action?: string;
  redelivery: boolean;
}

/**
 * The hook-delivery calls recovery needs. Adapters throw `GitHubAuthError` (401/403: the token
 * lacks hook admin) or `GitHubApiError`; recovery turns those into an "unavailable" result.
 */
export interface HookDeliveries {
  /** Every delivery attempt since `since` (all pages), newest or oldest first. */
  listDeliveries(since: Date): Promise<DeliverySummary[]>;
  /** Asks GitHub to send an attempt again (`POST …/deliveries/{id}/attempts`, 202); same GUID. */
  redeliver(id: number): Promise<void>;
}

/** A job's status as GitHub's REST API reports it; `"gone"` when GitHub no longer knows it (404). */
export type RemoteJobStatus = "queued" | "in_progress" | "completed" | "gone";

/** Looks a job up on GitHub (`GET /repos/{owner}/{repo}/actions/jobs/{job_id}`). */
export interface JobLookup {
  jobStatus(repository: string, jobId: number): Promise<RemoteJobStatus>;
}
