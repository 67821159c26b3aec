/** runner-fleet: ephemeral GitHub Actions runners on OpenStack. The public API. */

// The seed API (SPEC §2).
export { RunnerManager } from "./fleet/runner-manager.js";
export { FlushMode, HealthState, CloudRunnerState, GitHubRunnerState } from "./manager/types.js";
export type {
  RunnerInstance,
  RunnerManagerConfig,
  GitHubAuth,
  GitHubPath,
  IssuedMetricEventsStats,
  MetricEventName,
} from "./manager/types.js";
export { parseGitHubPath, formatGitHubPath } from "./manager/github-path.js";

// Building a manager from a plain fleet spec.
export { createRunnerManager, createFleetManager, type RuntimeOptions, type FleetManager } from "./fleet/create-runner-manager.js";
export { validateSpec, type FleetSpec, type FleetSpecInput } from "./manager/spec.js";
export { fingerprintOf } from "./fleet/fingerprint.js";
export type { RunnerManagerDeps } from "./manager/runner-manager.js";
export type { OperationReport, DeletionOutcome } from "./manager/apply.js";
export type { CreateReport, ProgressOptions } from "./manager/create.js";
export type { ReconcileReport } from "./manager/reconcile.js";
export type { Deletion, DeletionReason } from "./manager/plan.js";

// Ports, for other clouds and platforms.
export type {
  CloudRunnerManager,
  RunnerPlatform,
  CloudInstance,
  CreateInstanceRequest,
  PlatformRunner,
  JitRunner,
  JobInfo,
  Logger,
} from "./manager/ports.js";
export { silentLogger } from "./manager/ports.js";

// Errors.
export {
  FleetError,
  ConfigError,
  ApiError,
  GitHubApiError,
  GitHubAuthError,
  RateLimitError,
  CloudError,
  CloudAuthError,
  QuotaError,
  NotFoundError,
  type Problem,
} from "./manager/errors.js";

// Metrics.
export type { MetricEvent, MetricsSink, RunnerInstalled, RunnerStart, RunnerStop, Reconciliation } from "./manager/metrics.js";
export { JsonLinesMetricsFile } from "./manager/metrics-file.js";

// Adapters and the VM side.
export { OpenStackCloud } from "./openstack/cloud.js";
export { OpenStackClient } from "./openstack/client.js";
export { loadCloudConfig } from "./openstack/clouds-yaml.js";
export { GitHubPlatform, createGitHubPlatform } from "./github/platform.js";
export { renderUserData, type RunnerVmOptions } from "./manager/user-data.js";

// The Pulumi component (also alone as `runner-fleet/pulumi`, which Pulumi programs load faster).
export * from "./pulumi/index.js";

// The sandbox.
export { startSandbox } from "./sandbox/index.js";
export type { Sandbox, SandboxOptions } from "./sandbox/index.js";

export { VERSION } from "./version.js";
