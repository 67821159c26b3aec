/**
 * The simulated GitHub's whole state as plain JSON data, so that snapshot/restore is a deep copy
 * and every time-based transition is a timestamp compared with `now()` in `tick()`.
 */
import type { ActionsState } from "./actions-types.js";
import { createWebhookState, type WebhookState } from "./github-webhook-types.js";

/** A self-hosted runner as the sandbox knows it (the true state, not the lagging listed view). */
export interface SandboxRunner {
  id: number;
  name: string;
  /** `repos/{owner}/{repo}`, `orgs/{org}` or `enterprises/{enterprise}`, lowercased. */
  scope: string;
  groupId: number;
  labels: string[];
  ephemeral: boolean;
  createdAt: number;
  /** The secret inside its JIT config; a VM presenting another secret is refused. */
  jitSecret: string;
  /** The VM whose cloud-init started this runner, once one did. */
  vmId?: string;
  /** True while the runner process runs on its VM (false after the VM is gone). */
  processAlive: boolean;
  /** When the runner connects (runnerStarted + onlineDelayMs). */
  onlineAt?: number;
  status: "online" | "offline";
  /** True state: running a job right now. */
  busy: boolean;
  /** What the runner list showed before the last busy change (GitHub's list lags). */
  listedBusy: boolean;
  busyChangedAt: number;
  jobId?: number;
  /** Set for a runner the Actions service registered for a scale set (generatejitconfig). */
  scaleSetId?: number;
}

/** A workflow job queued in the sandbox. */
export interface SandboxJob {
  id: number;
  runId: number;
  /** `owner/repo`. */
  repository: string;
  labels: string[];
  durationMs: number;
  /** The conclusion it reaches when it runs to the end (a lost VM makes it `failure`). */
  plannedConclusion: "success" | "failure";
  workflow: string;
  event: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | null;
  /** When it was queued (sandbox clock, epoch ms); job wait = startedAt − createdAt. */
  createdAt: number;
  /** When a runner took it. */
  startedAt?: number;
  /** When it ended. */
  completedAt?: number;
  runnerId?: number;
  runnerName?: string;
  runnerGroupId?: number;
  vmId?: string;
}

/** A credential the sandbox accepts. */
export interface TokenRecord {
  permissions: "admin" | "read";
  /** Installation tokens expire (epoch ms); PATs do not. */
  expiresAt?: number;
}

/** The GitHub App whose JWTs the sandbox accepts. */
export interface SandboxApp {
  appId: number;
  installationId: number;
  /** PKCS#1 PEM. */
  privateKey: string;
}

/** Everything the simulated GitHub holds; JSON-serializable by construction. */
export interface GitHubWorldState {
  version: 1;
  runners: SandboxRunner[];
  jobs: SandboxJob[];
  tokens: Record<string, TokenRecord>;
  seedToken: string;
  app: SandboxApp;
  /** Primary rate-limit windows per credential (token, `app:<id>` or `anonymous`). */
  rate: Record<string, { windowStart: number; used: number }>;
  /** When the JIT configs of the last minute were generated (for the secondary limit). */
  jitTimes: number[];
  labelIds: Record<string, number>;
  counters: { runnerId: number; jobId: number; runId: number; labelId: number };
  /** Hooks, events and delivery attempts (absent from snapshots older than webhooks; restore fills it in). */
  webhooks: WebhookState;
  /** The Actions service (scale sets, sessions, messages); created on first use, so older snapshots load. */
  actions?: ActionsState;
}

/** Runner groups every org and enterprise has (repos only have the default one). */
export const RUNNER_GROUPS = [
  { id: 1, name: "default", default: true },
  { id: 2, name: "ci-group", default: false },
] as const;

/** Labels GitHub applies itself, listed with type "read-only". */
export const READ_ONLY_LABELS = new Set(["self-hosted", "linux", "x64", "arm64", "windows", "macos"]);

/** Labels a job asks for when the caller names none (`runs-on: [self-hosted, linux]`). */
export const DEFAULT_JOB_LABELS = ["self-hosted", "linux"];

/** A fresh world with one admin PAT and one app. */
export function createWorldState(seedToken: string, app: SandboxApp): GitHubWorldState {
  return {
    version: 1,
    runners: [],
    jobs: [],
    tokens: { [seedToken]: { permissions: "admin" } },
    seedToken,
    app,
    rate: {},
    jitTimes: [],
    labelIds: {},
    // Ids start high enough to look like GitHub's and never collide with "1"-style fixtures.
    counters: { runnerId: 100, jobId: 5000, runId: 9000, labelId: 1 },
    webhooks: createWebhookState(),
  };
}

/**
 * Loose structural check for restore(): enough to reject a file that is not a snapshot. `webhooks`
 * is not required, so a state file written before webhooks existed still loads (with none).
 */
export function isWorldState(value: unknown): value is GitHubWorldState {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof GitHubWorldState, unknown>>;
  const app = v.app as Partial<SandboxApp> | undefined;
  return (
    v.version === 1 &&
    Array.isArray(v.runners) &&
    Array.isArray(v.jobs) &&
    Array.isArray(v.jitTimes) &&
    typeof v.tokens === "object" &&
    typeof v.rate === "object" &&
    typeof v.labelIds === "object" &&
    typeof v.counters === "object" &&
    typeof v.seedToken === "string" &&
    typeof app?.privateKey === "string" &&
    typeof app.appId === "number"
  );
}

/** The scope key of a route's params (`repos/…`, `orgs/…`, `enterprises/…`). */
export function scopeOf(params: Record<string, string>): string {
  if (params.owner !== undefined && params.repo !== undefined) return `repos/${params.owner}/${params.repo}`.toLowerCase();
  if (params.org !== undefined) return `orgs/${params.org}`.toLowerCase();
  return `enterprises/${params.enterprise ?? ""}`.toLowerCase();
}

/** Whether runners of `scope` may take jobs of `repository` (enterprise runners serve every org). */
export function scopeServes(scope: string, repository: string): boolean {
  const repo = repository.toLowerCase();
  const owner = repo.split("/")[0] ?? "";
  return scope === `repos/${repo}` || scope === `orgs/${owner}` || scope.startsWith("enterprises/");
}

/** The listed busy flag at `now`: the true flag once it has been stable for `lagMs`. */
export function listedBusyAt(runner: SandboxRunner, now: number, lagMs: number): boolean {
  return now - runner.busyChangedAt >= lagMs ? runner.busy : runner.listedBusy;
}
