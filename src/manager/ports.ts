/**
 * The manager's ports: what it needs from a cloud and from GitHub, in its own types only.
 * `OpenStackCloud` (src/openstack) and `GitHubPlatform` (src/github) implement them; the unit
 * tests use in-memory fakes.
 */
import type { CloudRunnerState } from "./types.js";

/** Metadata keys written on every VM (Nova metadata keys allow `:`); only these are read back. */
export const METADATA_KEYS = {
  prefix: "runner-fleet:prefix",
  runnerId: "runner-fleet:runner-id",
  fingerprint: "runner-fleet:fingerprint",
  version: "runner-fleet:version",
} as const;

/** What the manager knows about one VM. */
export interface CloudInstance {
  /** The cloud's server id. */
  id: string;
  /** The server name, which is also the GitHub runner name. */
  name: string;
  state: CloudRunnerState;
  createdAt: Date;
  /** GitHub runner id recorded at creation, if any. */
  runnerId?: number;
  fingerprint?: string;
}

/** Everything needed to boot one runner VM. */
export interface CreateInstanceRequest {
  name: string;
  runnerId: number;
  /** The runner's just-in-time configuration: a secret, never logged. */
  jitConfig: string;
}

/** The cloud side: VMs only. Decisions are the manager's; the cloud only carries them out. */
export interface CloudRunnerManager {
  /** Fleet prefix; the cloud lists only servers whose name starts with `${namePrefix}-`. */
  readonly namePrefix: string;
  /** Fingerprint of the configuration new VMs get (stored in their metadata). */
  readonly fingerprint: string;
  /**
   * Resolves what creation needs (image, flavor, network by name) so bad names fail before any
   * runner is registered on GitHub. Called once per create batch.
   */
  prepare?(): Promise<void>;
  /** Starts creating a VM and returns without waiting for it to boot. */
  createInstance(request: CreateInstanceRequest): Promise<CloudInstance>;
  /** Every VM whose name starts with the prefix, any state. */
  listInstances(): Promise<CloudInstance[]>;
  /** Deletes a VM; `"gone"` when it no longer existed. Throws `CloudError` otherwise. */
  deleteInstance(instance: CloudInstance): Promise<"deleted" | "gone">;
  /** The VM's console (serial) output, where cloud-init writes the metric markers. */
  consoleOutput(instance: CloudInstance): Promise<string>;
  /** One VM by server id; undefined when it no longer exists (for callers that wait for ACTIVE). */
  getInstance(id: string): Promise<CloudInstance | undefined>;
}

/** A GitHub self-hosted runner as the manager sees it. */
export interface PlatformRunner {
  id: number;
  name: string;
  online: boolean;
  /** GitHub's busy flag as listed: it lags the truth by tens of seconds. */
  busy: boolean;
  labels: string[];
}

/** A runner registered just in time, with the secret config its VM needs to start it. */
export interface JitRunner {
  runner: PlatformRunner;
  jitConfig: string;
}

/** What GitHub says of the job a runner ran (for the runner_start / runner_stop events). */
export interface JobInfo {
  createdAt: Date;
  startedAt?: Date;
  conclusion?: string | null;
}

/** The GitHub side: runner registrations only. */
export interface RunnerPlatform {
  /** Every self-hosted runner of the repo/org/enterprise (all pages). */
  listRunners(): Promise<PlatformRunner[]>;
  /** Resolves what registration needs (the runner group) before anything is created. */
  prepare?(): Promise<void>;
  /** Registers an ephemeral runner and returns its JIT config. */
  createJitRunner(name: string, labels: string[]): Promise<JitRunner>;
  /**
   * Deregisters a runner: `"deleted"`, `"gone"` (404: already deleted), or `"busy"` (422:
   * GitHub checked the true state and the runner is running a job). Throws on other failures.
   */
  deleteRunner(id: number): Promise<"deleted" | "gone" | "busy">;
  /** The job of a workflow run that this runner ran, if GitHub still knows it. */
  findJob(repository: string, runId: number, runnerName: string): Promise<JobInfo | undefined>;
}

/** A line-oriented logger; fields are structured and must never hold secrets. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything: the default, so the library is silent unless asked. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
