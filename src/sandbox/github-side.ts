/**
 * The simulated GitHub half of the sandbox: routes for the HTTP service, the hooks the OpenStack
 * half calls, fault formatting, webhook delivery, and test/CLI controls (tokens, jobs, webhook
 * faults, snapshots). It shares no code with src/github: it serves the API real GitHub serves,
 * plus the sandbox's own `/_sandbox/` control routes (queuing jobs, setting webhook faults).
 */
import type { ActionsControls } from "./actions-control.js";
import { faultStatus } from "./actions-faults.js";
import { isActionsPath } from "./actions-http.js";
import { createActionsService, type ActionsService } from "./actions-service.js";
import type { ActionsOptions } from "./actions-types.js";
import type { CloudSideHooks, FaultSpec, GitHubSideHooks } from "./bridge.js";
import { accountRoutes } from "./github-account-routes.js";
import { appRoutes } from "./github-app-routes.js";
import { appPublicKey, generateAppPrivateKey, randomToken } from "./github-auth.js";
import { controlRoutes } from "./github-control-routes.js";
import type { SideContext } from "./github-guard.js";
import { githubError } from "./github-http.js";
import { jobAndAppRoutes } from "./github-job-routes.js";
import type { JobSpec } from "./github-jobs.js";
import { primaryRateFault, secondaryLimited } from "./github-ratelimit.js";
import { runnerRoutes } from "./github-runner-routes.js";
import { createWorldState, isWorldState, type SandboxJob, type SandboxRunner } from "./github-state.js";
import { webhookControlRoutes } from "./github-webhook-control.js";
import { deliveryRoutes } from "./github-webhook-delivery-routes.js";
import { parseWebhookFaults, type ResolvedFaults, type WebhookFaults } from "./github-webhook-faults.js";
import { hookRoutes } from "./github-webhook-routes.js";
import { createWebhookState, type HookDelivery } from "./github-webhook-types.js";
import { WebhookService, type WebhookOptions } from "./github-webhooks.js";
import { GitHubWorld, type WorldOptions } from "./github-world.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

export type { SandboxJob, SandboxRunner } from "./github-state.js";
export type { JobSpec } from "./github-jobs.js";
export type { ResolvedFaults, WebhookFaults } from "./github-webhook-faults.js";
export type { HookDelivery } from "./github-webhook-types.js";
export type { WebhookOptions } from "./github-webhooks.js";

/** How the simulated GitHub behaves. */
export interface GitHubSideOptions {
  /** The sandbox clock (epoch ms); shared with the OpenStack side. */
  now: () => number;
  /** Where runner exits and console lines go. */
  hooks: CloudSideHooks;
  /** How long the listed `busy` flag lags the true state (default 0; real GitHub: 25–60 s). */
  busyLagMs?: number;
  /** From runnerStarted to the runner being online (default 50). */
  onlineDelayMs?: number;
  /** JIT configs per minute before secondary rate limits (default 180). */
  jitPerMinute?: number;
  /** Requests per hour per token (default 5000). */
  primaryLimit?: number;
  /** Webhook delivery: faults (loss, duplicates, reordering, delay, signatures) and bounds. */
  webhooks?: WebhookOptions;
  /** The API URL payloads link to (`url`, `check_run_url`, `repository.url` …; default http://127.0.0.1). */
  apiUrl?: () => string;
  /** The Actions service (runner scale sets): long-poll window, token lifetimes, timeouts, BOM (actions-types.ts). */
  actions?: ActionsOptions;
}

/** The simulated GitHub, ready to be served by startHttpService and driven by tick(). */
export interface GitHubSide {
  routes: Route[];
  hooks: GitHubSideHooks;
  /** Formats an injected fault in GitHub's error shapes. */
  onFault(fault: FaultSpec, req: SandboxRequest): SandboxResponse;
  /** Applies every time-based transition due by now(). */
  tick(): void;
  /** The whole state as JSON-serializable data. */
  snapshot(): unknown;
  /** Replaces the state with a snapshot (app key included). */
  restore(state: unknown): void;
  /** The seeded admin personal access token. */
  readonly token: string;
  /** The GitHub App whose JWTs are accepted. */
  readonly app: { appId: number; installationId: number; privateKey: string };
  /** Accepts another token (admin by default; "read" tokens get 403 on runner endpoints). */
  addToken(token: string, opts?: { permissions?: "admin" | "read" }): void;
  /** Makes a token answer 401 Bad credentials from now on. */
  revokeToken(token: string): void;
  /** Queues a workflow job; the scheduler assigns it at the next tick() (over HTTP: POST /_sandbox/jobs). */
  enqueueJob(job: JobSpec): SandboxJob;
  /** Every job, queued, running or completed. */
  jobs(): SandboxJob[];
  /** The true runner state (true busy flag, VM id), not the lagging list. */
  runners(): SandboxRunner[];
  /** Replaces the webhook faults (over HTTP: PUT /_sandbox/webhooks/faults); throws listing every problem. */
  setWebhookFaults(faults: WebhookFaults): void;
  /** The webhook faults in force, defaults filled in. */
  webhookFaults(): ResolvedFaults;
  /** Every recorded delivery attempt of every hook, oldest first. */
  webhookDeliveries(): HookDelivery[];
  /** Resolves once no webhook delivery is queued, delayed, held or in flight. */
  webhooksIdle(): Promise<void>;
  /** The Actions service's controls: faults, token expiry, sessions, restart (over HTTP: /_sandbox/actions). */
  readonly actions: ActionsControls;
  /** Stops sending webhooks (queued ones are dropped, in-flight ones aborted) and ends held message polls. */
  close(): void;
}

/** Creates the simulated GitHub with a fresh admin PAT and app key. */
export function createGitHubSide(options: GitHubSideOptions): GitHubSide {
  const { now, hooks, busyLagMs = 0, onlineDelayMs = 50, jitPerMinute = 180, primaryLimit = 5000, apiUrl = () => "http://127.0.0.1" } = options;
  const app = { appId: 123456, installationId: 7654321, privateKey: generateAppPrivateKey() };
  // The world tells the webhook service about job transitions; the service reads the world's state.
  let service: WebhookService | undefined;
  let actions: ActionsService | undefined;
  const jobChanged: WorldOptions["jobChanged"] = (job, action) => {
    service?.jobChanged(job, action);
    actions?.jobChanged(job, action);
  };
  const dispatch: WorldOptions["dispatch"] = {
    beforeSchedule: (at) => actions?.dispatch.beforeSchedule(at),
    mayServe: (job, runner) => actions?.dispatch.mayServe(job, runner) ?? true,
  };
  const world = new GitHubWorld(createWorldState(randomToken("ghp_"), app), { now, hooks, busyLagMs, onlineDelayMs, jobChanged, dispatch });
  const scaleSets = createActionsService(world, options.actions);
  actions = scaleSets;
  const webhooks = new WebhookService(world, apiUrl, options.webhooks);
  service = webhooks;
  let publicKey = appPublicKey(app);
  const ctx: SideContext = { world, primaryLimit, jitPerMinute, appPublicKey: () => publicKey };
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  return {
    routes: [
      ...runnerRoutes(ctx),
      ...jobAndAppRoutes(ctx),
      ...accountRoutes(ctx),
      ...appRoutes(ctx),
      ...hookRoutes(ctx, webhooks),
      ...deliveryRoutes(ctx, webhooks),
      ...controlRoutes(ctx),
      ...webhookControlRoutes(ctx, webhooks),
      ...scaleSets.routes(ctx),
    ],
    hooks: {
      runnerStarted: (vmId, jitConfig) => world.runnerStarted(vmId, jitConfig),
      vmGone: (vmId) => world.vmGone(vmId),
    },
    // The Actions service's paths answer faults (and unknown routes) in its own `{typeName, message}` shape.
    onFault: (fault, req) => (isActionsPath(req.path) ? faultStatus(fault.kind.startsWith("rate-limit") ? 429 : (fault.status ?? 500), fault.retryAfterSeconds) : formatFault(fault, primaryLimit, now())),
    tick: () => {
      world.tick();
      webhooks.prune();
    },
    snapshot: () => copy(world.state),
    restore(state) {
      if (!isWorldState(state)) throw new Error("restore: not a snapshot of the sandbox's GitHub side (version 1)");
      world.state = copy(state);
      world.state.webhooks ??= createWebhookState();
      publicKey = appPublicKey(world.state.app);
      scaleSets.restored();
    },
    get token() {
      return world.state.seedToken;
    },
    get app() {
      return { ...world.state.app };
    },
    addToken(token, opts = {}) {
      world.state.tokens[token] = { permissions: opts.permissions ?? "admin" };
    },
    revokeToken(token) {
      delete world.state.tokens[token];
    },
    enqueueJob: (job) => copy(world.enqueueJob(job)),
    jobs: () => copy(world.state.jobs),
    runners: () => copy(world.state.runners),
    setWebhookFaults(faults) {
      const parsed = parseWebhookFaults(faults);
      if ("errors" in parsed) throw new Error(`setWebhookFaults: ${parsed.errors.join("; ")}`);
      webhooks.setFaults(parsed);
    },
    webhookFaults: () => webhooks.faults(),
    webhookDeliveries: () => copy(world.state.webhooks.deliveries),
    webhooksIdle: () => webhooks.idle(),
    actions: scaleSets.controls,
    close: () => {
      webhooks.close();
      scaleSets.close();
    },
  };
}

// --- internal ---

function formatFault(fault: FaultSpec, primaryLimit: number, now: number): SandboxResponse {
  const retryAfter = fault.retryAfterSeconds ?? 1;
  switch (fault.kind) {
    case "rate-limit-primary":
      return primaryRateFault(primaryLimit, now, retryAfter);
    case "rate-limit-secondary":
      // GitHub answers secondary limits with 403 or 429; a fault may ask for 429 through `status`.
      return secondaryLimited(retryAfter, fault.status === 429 ? 429 : 403);
    default:
      return githubError(fault.status ?? 500);
  }
}
