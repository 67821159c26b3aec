/**
 * The webhook part of the simulated GitHub's state: hooks, the events they were sent, and every
 * delivery attempt. Plain JSON like the rest of github-state.ts, so snapshot/restore keeps them.
 * https://docs.github.com/webhooks/using-webhooks/handling-failed-webhook-deliveries
 */

/** A webhook as `POST /repos/{owner}/{repo}/hooks` or `POST /orgs/{org}/hooks` created it. */
export interface SandboxHook {
  id: number;
  /** `repos/{owner}/{repo}` or `orgs/{org}`, lowercased (the scope keys of github-state.ts). */
  scope: string;
  name: "web";
  active: boolean;
  events: string[];
  config: HookConfig;
  createdAt: number;
  updatedAt: number;
  /** What the last delivery got back, as the `hook` shape's `last_response` shows it. */
  lastResponse: { code: number | null; status: string; message: string | null };
}

/** A hook's `config`; the secret is kept here and never shown (GitHub answers "********"). */
export interface HookConfig {
  url: string;
  contentType: "json" | "form";
  secret?: string;
  insecureSsl: string;
}

/** One event, shared by every hook it was sent to: one GUID, one payload, whatever the hook. */
export interface WebhookEvent {
  /** The `X-GitHub-Delivery` GUID: the same for every hook and every redelivery of the event. */
  guid: string;
  event: "workflow_job" | "ping";
  action: string | null;
  repositoryId: number | null;
  /** The exact JSON text of the payload; the bytes every attempt sends (and signs). */
  body: string;
  createdAt: number;
}

/** One delivery attempt, as the deliveries endpoints list it (`hook-delivery`). */
export interface HookDelivery {
  id: number;
  guid: string;
  hookId: number;
  /** When the attempt started (sandbox clock, epoch ms). */
  deliveredAt: number;
  redelivery: boolean;
  /** Seconds spent delivering (wall clock; the timeout for a lost delivery). */
  duration: number;
  /** "OK", or why it failed: "Invalid HTTP Response: 500", "timed out", "connection refused". */
  status: string;
  /** The receiver's HTTP status; 0 when there was no response. */
  statusCode: number;
  event: string;
  action: string | null;
  repositoryId: number | null;
  /** The URL the attempt went to. */
  url: string;
  requestHeaders: Record<string, string>;
  response: { headers: Record<string, string> | null; payload: string | null };
}

/** Everything webhook-related the simulated GitHub holds. */
export interface WebhookState {
  hooks: SandboxHook[];
  /** By GUID; an event is forgotten once no kept delivery refers to it. */
  events: Record<string, WebhookEvent>;
  /** In the order the attempts ended. */
  deliveries: HookDelivery[];
  /** Stable ids of the repositories (`owner/repo`) and organizations the payloads name, lowercased. */
  accountIds: Record<string, number>;
  counters: { hookId: number; deliveryId: number; accountId: number };
}

/** An empty webhook state, with ids in the ranges GitHub's look like. */
export function createWebhookState(): WebhookState {
  return {
    hooks: [],
    events: {},
    deliveries: [],
    accountIds: {},
    counters: { hookId: 480_000_000, deliveryId: 12_000_000_000, accountId: 700_000_000 },
  };
}
