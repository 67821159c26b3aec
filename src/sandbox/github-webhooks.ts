/**
 * Webhook delivery in the simulated GitHub: every job transition becomes a `workflow_job` event
 * for each active hook covering the job's repository; each event is signed and POSTed from the
 * outbox (github-webhook-queue.ts), never retried, and every attempt is recorded for the
 * deliveries endpoints. Faults (github-webhook-faults.ts) decide what happens to each original.
 * https://docs.github.com/webhooks/using-webhooks/handling-failed-webhook-deliveries
 */
import { randomUUID } from "node:crypto";
import type { JobAction } from "./github-jobs.js";
import type { SandboxJob } from "./github-state.js";
import { FaultDice, parseWebhookFaults, type ResolvedFaults, type WebhookFaults } from "./github-webhook-faults.js";
import { hookJson } from "./github-webhook-hooks.js";
import { pingPayload, workflowJobPayload } from "./github-webhook-payload.js";
import { DELIVERY_TIMEOUT_MS, postWebhook, type PostResult } from "./github-webhook-post.js";
import { DeliveryQueue } from "./github-webhook-queue.js";
import { deliveryBody, deliveryHeaders } from "./github-webhook-signing.js";
import { accountId, hookTarget, hooksCovering, pruneDeliveries } from "./github-webhook-store.js";
import type { HookDelivery, SandboxHook, WebhookEvent, WebhookState } from "./github-webhook-types.js";
import type { GitHubWorld } from "./github-world.js";

/** Webhook faults plus the bounds of delivery; every field is optional. */
export interface WebhookOptions extends WebhookFaults {
  /** How long a receiver has to answer (default 10 000, github.com's 10 s). */
  timeoutMs?: number;
  /** Attempts in flight at once (default 8). */
  concurrency?: number;
  /** Attempts waiting at most; beyond, an attempt is recorded as failed at once (default 1000). */
  queueLimit?: number;
  /** Longest a reordered delivery waits to be overtaken, in ms (default 1000). */
  reorderWindowMs?: number;
  /** Deliveries kept at most, oldest dropped first (default 10 000; GitHub keeps 3 days, which also applies). */
  maxDeliveries?: number;
}

/** Sends, records and redelivers the simulated GitHub's webhooks. */
export class WebhookService {
  private dice: FaultDice;
  private readonly queue: DeliveryQueue;
  private readonly pending = new Map<string, number>();
  private readonly timeoutMs: number;
  private readonly maxDeliveries: number;

  constructor(
    private readonly world: GitHubWorld,
    private readonly apiUrl: () => string,
    options: WebhookOptions = {},
  ) {
    const { timeoutMs = DELIVERY_TIMEOUT_MS, concurrency = 8, queueLimit = 1000, reorderWindowMs = 1000, maxDeliveries = 10_000, ...faults } = options;
    const bad = Object.entries({ timeoutMs, concurrency, queueLimit, maxDeliveries }).filter(([, v]) => !Number.isSafeInteger(v) || v < 1);
    if (!Number.isSafeInteger(reorderWindowMs) || reorderWindowMs < 0) bad.push(["reorderWindowMs", reorderWindowMs]);
    const parsed = parseWebhookFaults(faults);
    const problems = [...bad.map(([k]) => `${k} must be a positive integer`), ...("errors" in parsed ? parsed.errors : [])];
    if (problems.length > 0 || "errors" in parsed) throw new Error(`sandbox github.webhooks options: ${problems.join("; ")}`);
    this.dice = new FaultDice(parsed);
    this.timeoutMs = timeoutMs;
    this.maxDeliveries = maxDeliveries;
    this.queue = new DeliveryQueue({ concurrency, limit: queueLimit, holdMs: reorderWindowMs });
  }

  /** A job changed: one `workflow_job` event for every active hook that covers its repository. */
  jobChanged(job: SandboxJob, action: JobAction): void {
    const state = this.state();
    const hooks = hooksCovering(state, job.repository, "workflow_job");
    if (hooks.length === 0) return;
    const owner = job.repository.split("/")[0] ?? "";
    const ids = { repositoryId: accountId(state, "repo", job.repository), organizationId: accountId(state, "org", owner) };
    const payload = workflowJobPayload(this.apiUrl(), job, action, ids, this.world.now());
    const event = this.newEvent("workflow_job", action, ids.repositoryId, payload);
    // Only a job's earlier transitions can be overtaken; nothing comes after `completed`.
    for (const hook of hooks) this.dispatch(hook, event, `${hook.id}:job:${job.id}`, action !== "completed");
  }

  /** Sends the `ping` GitHub sends to a new hook (and on `POST …/pings`). */
  ping(hook: SandboxHook): void {
    const state = this.state();
    const api = this.apiUrl();
    const [kind, ...rest] = hook.scope.split("/");
    const name = rest.join("/");
    let repositoryId: number | null = null;
    let where: Parameters<typeof pingPayload>[2] = { organization: name, id: accountId(state, "org", name) };
    if (kind === "repos") {
      const ids = { repositoryId: accountId(state, "repo", name), organizationId: accountId(state, "org", rest[0] ?? "") };
      repositoryId = ids.repositoryId;
      where = { repository: name, ids };
    }
    const event = this.newEvent("ping", null, repositoryId, pingPayload(api, hookJson(api, hook), where));
    this.dispatch(hook, event, `${hook.id}:ping:${event.guid}`, false);
  }

  /** `POST …/attempts`: the same event (same GUID, same bytes) again, marked as a redelivery, fault-free. */
  redeliver(delivery: HookDelivery): void {
    this.enqueue(delivery.hookId, delivery.guid, true, `${delivery.hookId}:redelivery:${delivery.guid}`, 0, false);
  }

  /** Applies the 3-day retention (called from tick and before the deliveries are read). */
  prune(): void {
    pruneDeliveries(this.state(), this.world.now(), this.maxDeliveries, (guid) => this.pending.has(guid));
  }

  /** The faults in force, defaults filled in. */
  faults(): ResolvedFaults {
    return { ...this.dice.faults, delayMs: [...this.dice.faults.delayMs] };
  }

  /** Replaces the faults (checked by parseWebhookFaults) and restarts the random sequence from their seed. */
  setFaults(faults: ResolvedFaults): void {
    this.dice = new FaultDice(faults);
  }

  /** Attempts queued, delayed, held or in flight. */
  pendingCount(): number {
    return this.queue.size();
  }

  /** Resolves once every queued attempt has been made and recorded. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Drops what is queued and aborts what is in flight (none of it is recorded). */
  close(): void {
    this.queue.close();
  }

  // --- internal ---

  private state(): WebhookState {
    return this.world.state.webhooks;
  }

  private newEvent(event: WebhookEvent["event"], action: string | null, repositoryId: number | null, payload: unknown): WebhookEvent {
    const record: WebhookEvent = { guid: randomUUID(), event, action, repositoryId, body: JSON.stringify(payload), createdAt: this.world.now() };
    this.state().events[record.guid] = record;
    return record;
  }

  private dispatch(hook: SandboxHook, event: WebhookEvent, key: string, reorderable: boolean): void {
    const plan = this.dice.plan();
    // A lost delivery is what GitHub records for a receiver that was down: a failed attempt, nothing sent.
    if (plan.lost) return this.record(hook, event, false, this.world.now(), { statusCode: 0, status: "timed out", duration: this.timeoutMs / 1000, headers: null, payload: null });
    this.enqueue(hook.id, event.guid, false, key, plan.delayMs, plan.reorder && reorderable);
    if (plan.duplicate) this.enqueue(hook.id, event.guid, false, key, 0, false);
  }

  private enqueue(hookId: number, guid: string, redelivery: boolean, key: string, delayMs: number, hold: boolean): void {
    this.pending.set(guid, (this.pending.get(guid) ?? 0) + 1);
    const release = (): void => {
      const left = (this.pending.get(guid) ?? 1) - 1;
      if (left > 0) this.pending.set(guid, left);
      else this.pending.delete(guid);
    };
    const run = (signal: AbortSignal): Promise<void> => this.attempt(hookId, guid, redelivery, signal).finally(release);
    if (this.queue.push({ key, delayMs, hold, run })) return;
    release();
    const hook = this.state().hooks.find((h) => h.id === hookId);
    const event = this.state().events[guid];
    const full = { statusCode: 0, status: "not sent: the sandbox's delivery queue is full", duration: 0, headers: null, payload: null };
    if (hook !== undefined && event !== undefined) this.record(hook, event, redelivery, this.world.now(), full);
  }

  private async attempt(hookId: number, guid: string, redelivery: boolean, signal: AbortSignal): Promise<void> {
    const hook = this.state().hooks.find((h) => h.id === hookId);
    const event = this.state().events[guid];
    // The hook was deleted (or the state restored) while the attempt waited: GitHub sends nothing then.
    if (hook === undefined || event === undefined) return;
    const { headers, body } = this.request(hook, event);
    const deliveredAt = this.world.now();
    const id = this.state().counters.deliveryId++;
    const result = await postWebhook(hook.config.url, headers, body, { timeoutMs: this.timeoutMs, insecure: hook.config.insecureSsl === "1", signal });
    // Nothing is recorded for a closing sandbox or a hook deleted while the attempt was in flight.
    if (signal.aborted || !this.state().hooks.includes(hook)) return;
    this.record(hook, event, redelivery, deliveredAt, result, id, headers);
  }

  private request(hook: SandboxHook, event: WebhookEvent): { headers: Record<string, string>; body: Buffer } {
    const body = deliveryBody(event.body, hook.config.contentType);
    const input = { guid: event.guid, event: event.event, hookId: hook.id, target: hookTarget(this.state(), hook), contentType: hook.config.contentType, secret: hook.config.secret };
    return { headers: deliveryHeaders(input, body, this.dice.faults.signature), body };
  }

  private record(hook: SandboxHook, event: WebhookEvent, redelivery: boolean, deliveredAt: number, result: PostResult, id?: number, sent?: Record<string, string>): void {
    const state = this.state();
    const delivery: HookDelivery = {
      id: id ?? state.counters.deliveryId++,
      guid: event.guid,
      hookId: hook.id,
      deliveredAt,
      redelivery,
      duration: result.duration,
      status: result.status,
      statusCode: result.statusCode,
      event: event.event,
      action: event.action,
      repositoryId: event.repositoryId,
      url: hook.config.url,
      requestHeaders: sent ?? this.request(hook, event).headers,
      response: { headers: result.headers, payload: result.payload },
    };
    state.deliveries.push(delivery);
    hook.lastResponse = { code: result.statusCode === 0 ? null : result.statusCode, status: "active", message: result.status };
    this.prune();
  }
}
