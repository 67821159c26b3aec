/** The sandbox's public types: its options and the controls a running sandbox offers. */
import type { ActionsControls } from "./actions-control.js";
import type { FaultSpec, LoggedRequest, SandboxService } from "./bridge.js";
import type { GitHubSideOptions, HookDelivery, JobSpec, ResolvedFaults, SandboxJob, SandboxRunner, WebhookFaults } from "./github-side.js";

/** How to start a sandbox; every field is optional. */
export interface SandboxOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  githubPort?: number;
  openstackPort?: number;
  /** Delay added to every request on both sides, in ms (a number or a sampler, for realistic benchmarks). */
  latencyMs?: number | (() => number);
  /** From create to ACTIVE (default 100). */
  bootDelayMs?: number;
  /** From the runner exiting to SHUTOFF (default 50). */
  shutdownDelayMs?: number;
  /** How long a deleted server stays listed with task_state `deleting` (default 100). */
  deleteDelayMs?: number;
  /** Keystone token lifetime (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Load the state from this file on start if present, save it on change and on close. */
  stateFile?: string;
  quota?: { instances?: number };
  /** Highest compute microversion offered (default "2.93"). */
  novaMaxMicroversion?: string;
  /** The shared clock (default Date.now). */
  now?: () => number;
  /** How often time-based transitions are applied (default 25 ms). */
  tickMs?: number;
  /** Record parsed GitHub response bodies in the request log (default true; for OpenAPI validation). */
  recordGitHubBodies?: boolean;
  /** Passed through to the simulated GitHub (`webhooks` holds the delivery faults and bounds). */
  github?: Omit<GitHubSideOptions, "now" | "hooks" | "apiUrl">;
}

/** A VM as the sandbox's test controls summarize it. */
export interface SandboxServer {
  id: string;
  name: string;
  status: string;
  taskState: string | null;
  metadata: Record<string, string>;
  tags: string[];
  /** Epoch ms. */
  createdAt: number;
}

/** The password-auth credentials of the seeded OpenStack user. */
export interface SandboxCredentials {
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
}

/** A running sandbox with its URLs, credentials and test controls. */
export interface Sandbox {
  githubUrl: string;
  /** The seeded admin personal access token. */
  githubToken: string;
  /** The GitHub App whose JWTs the simulated GitHub accepts. */
  githubApp: { appId: number; installationId: number; privateKey: string };
  openstackUrl: string;
  /** Keystone v3 URL (ends in `/v3`). */
  openstackAuthUrl: string;
  cloudName: "sandbox";
  /** A complete clouds.yaml: cloud `sandbox` (password) and `sandbox-appcred` (application credential). */
  cloudsYaml: string;
  credentials: SandboxCredentials;
  appCredential: { id: string; secret: string };
  /** Queues a workflow job (as `POST /_sandbox/jobs` does); its webhooks go out as it moves. */
  enqueueJob(job: JobSpec): SandboxJob;
  /** Every job with its createdAt/startedAt/completedAt (epoch ms, sandbox clock): job wait = startedAt − createdAt. */
  jobs(): SandboxJob[];
  servers(): SandboxServer[];
  /** The full serial console of a VM (empty when unknown). */
  consoleOf(vmId: string): string[];
  /** The true GitHub runner state (not the lagging list). */
  githubRunners(): SandboxRunner[];
  fault(spec: FaultSpec): void;
  clearFaults(): void;
  /** The next `n` created servers go to ERROR ("No valid host was found."). */
  failNextServers(n: number): void;
  /** From now on, each created server goes to ERROR with probability `rate` (seeded, default seed 1; 0 turns it off). */
  failServersAtRate(rate: number, seed?: number): void;
  setQuota(quota: { instances: number }): void;
  setTokenLifetime(seconds: number): void;
  requests(service?: SandboxService): LoggedRequest[];
  resetRequests(): void;
  addToken(token: string, opts?: { permissions?: "admin" | "read" }): void;
  /** Replaces the webhook delivery faults (as `PUT /_sandbox/webhooks/faults` does); throws listing every problem. */
  setWebhookFaults(faults: WebhookFaults): void;
  /** The webhook delivery faults in force, defaults filled in. */
  webhookFaults(): ResolvedFaults;
  /** Every recorded webhook delivery attempt, oldest first (what the deliveries endpoints list). */
  webhookDeliveries(): HookDelivery[];
  /** Resolves once no webhook delivery is queued, delayed, held or in flight. */
  webhooksIdle(): Promise<void>;
  /** The Actions service (runner scale sets at `${githubUrl}/_actions/tenant/1/`): faults, token expiry, sessions, restart. */
  actions: ActionsControls;
  revokeToken(token: string): void;
  /** Writes the state file now (when `stateFile` is set). */
  save(): void;
  close(): Promise<void>;
}
