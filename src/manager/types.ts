/** The seed's states and records (SPEC §2), in TypeScript naming. */

/** How far `flushRunners` goes: idle runners only, or every runner including busy ones. */
export enum FlushMode {
  FlushIdle = "flush-idle",
  FlushBusy = "flush-busy",
}

/** Health of a runner as the manager judges it (GitHub is the source of truth). */
export enum HealthState {
  Healthy = "healthy",
  Unhealthy = "unhealthy",
  Unknown = "unknown",
}

/** State of a runner's VM, mapped from Nova's server status. */
export enum CloudRunnerState {
  Created = "created",
  Active = "active",
  Deleted = "deleted",
  Error = "error",
  Stopped = "stopped",
  Unknown = "unknown",
  Unexpected = "unexpected",
}

/** State of a runner as GitHub lists it. */
export enum GitHubRunnerState {
  Busy = "busy",
  Idle = "idle",
  Offline = "offline",
}

/** One runner of the fleet: a VM, joined by name with its GitHub runner when GitHub lists one. */
export interface RunnerInstance {
  /** The VM's name, which is also the GitHub runner's name. */
  name: string;
  /** The random 12-hex suffix that identifies the runner within its fleet. */
  instanceId: string;
  health: HealthState;
  githubState?: GitHubRunnerState;
  cloudState: CloudRunnerState;
  /** The cloud's server id. */
  serverId: string;
  /** GitHub's runner id, from the VM's metadata or GitHub's list. */
  runnerId?: number;
  createdAt: Date;
  /** Hash of the configuration the VM was created with (image, flavor, network, labels, user data). */
  fingerprint?: string;
}

/** A GitHub repository (`owner/repo`), organization (`org`) or enterprise (`enterprise:slug`). */
export type GitHubPath =
  | { kind: "repo"; owner: string; repo: string }
  | { kind: "org"; org: string; runnerGroup: string }
  | { kind: "enterprise"; enterprise: string; runnerGroup: string };

/** How the manager authenticates to GitHub: a token, or a GitHub App installation. */
export type GitHubAuth =
  | { token: string }
  | { appId: number | string; installationId: number; privateKey: string };

/** The seed's manager configuration. */
export interface RunnerManagerConfig {
  /** Identifies the manager; used as the `flavor` of metric events. */
  name: string;
  auth: GitHubAuth;
  path: GitHubPath;
}

/** Names of the metric events (upstream's snake_case class names). */
export type MetricEventName = "runner_installed" | "runner_start" | "runner_stop" | "reconciliation";

/** For each runner whose metrics were extracted while deleting it, +1 per event type issued for it. */
export type IssuedMetricEventsStats = Partial<Record<MetricEventName, number>>;
