/**
 * The composition root: builds a `RunnerManager` for an OpenStack cloud and a GitHub path from a
 * plain fleet spec. The only place that knows all three of the manager, OpenStack and GitHub.
 */
import { createGitHubPlatform } from "../github/platform.js";
import { JsonLinesMetricsFile } from "../manager/metrics-file.js";
import type { MetricsSink } from "../manager/metrics.js";
import { type Logger, type RunnerPlatform, silentLogger } from "../manager/ports.js";
import { RunnerManager as CoreRunnerManager } from "../manager/runner-manager.js";
import { type FleetSpec, type FleetSpecInput, validateSpec } from "../manager/spec.js";
import { OpenStackClient } from "../openstack/client.js";
import { OpenStackCloud } from "../openstack/cloud.js";
import { loadCloudConfig } from "../openstack/clouds-yaml.js";
import { VERSION } from "../version.js";
import { fingerprintOf } from "./fingerprint.js";

/** Where a manager runs: environment, logging, metrics, and transports to inject (the sandbox, tests). */
export interface RuntimeOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  logger?: Logger;
  /** Metric events go here; default: `spec.metricsFile` as JSON lines, else nowhere. */
  metrics?: MetricsSink;
  /** fetch for OpenStack calls (default: global fetch). */
  openstackFetch?: typeof fetch;
  /** fetch for GitHub calls (default: global fetch). */
  githubFetch?: typeof fetch;
  /** Per-call timeout of both clients (default 30 s). */
  timeoutMs?: number;
  /** Milliseconds per second of an announced GitHub wait; tests shrink it (default 1000). */
  retryAfterBaseMs?: number;
  /** Names other controllers are creating (claims in a shared store): cleanup leaves them alone. */
  inFlightElsewhere?: () => Iterable<string>;
  /** The GitHub side to use instead of the REST one (a scale-set fleet's `ScaleSetPlatform`). */
  platform?: RunnerPlatform;
}

/** A manager with the spec it was built from and the cloud adapter (for up-front validation). */
export interface FleetManager {
  manager: CoreRunnerManager;
  spec: FleetSpec;
  cloud: OpenStackCloud;
}

/** Builds the manager, its OpenStack cloud and its GitHub platform from a spec; throws `ConfigError` on bad input. */
export function createFleetManager(input: FleetSpecInput | FleetSpec, runtime: RuntimeOptions = {}): FleetManager {
  const env = runtime.env ?? process.env;
  const spec = isValidated(input) ? input : validateSpec(input, env);
  const logger = runtime.logger ?? silentLogger;
  const cloudConfig = loadCloudConfig({
    ...(spec.openstack.cloudsYaml ? { cloudsYaml: spec.openstack.cloudsYaml } : {}),
    ...(spec.openstack.cloud ? { cloud: spec.openstack.cloud } : {}),
    env: spec.openstack.region ? { ...env, OS_REGION_NAME: spec.openstack.region } : env,
    ...(runtime.cwd ? { cwd: runtime.cwd } : {}),
  });
  const client = new OpenStackClient({
    cloud: cloudConfig,
    ...(runtime.openstackFetch ? { fetch: runtime.openstackFetch } : {}),
    ...(runtime.timeoutMs ? { timeoutMs: runtime.timeoutMs } : {}),
  });
  const cloud = new OpenStackCloud({
    client,
    prefix: spec.prefix,
    image: spec.image,
    flavor: spec.flavor,
    network: spec.network,
    securityGroups: spec.securityGroups,
    ...(spec.keyName ? { keyName: spec.keyName } : {}),
    vm: spec.vm,
    fingerprint: fingerprintOf(spec),
    managerVersion: VERSION,
  });
  const platform = runtime.platform ?? createGitHubPlatform({
    auth: spec.github.auth,
    path: spec.github.path,
    ...(spec.github.apiUrl ? { apiUrl: spec.github.apiUrl } : {}),
    ...(runtime.githubFetch ? { fetch: runtime.githubFetch } : {}),
    ...(runtime.timeoutMs ? { timeoutMs: runtime.timeoutMs } : {}),
    ...(runtime.retryAfterBaseMs === undefined ? {} : { throttle: { retryAfterBaseMs: runtime.retryAfterBaseMs }, retry: { retryAfterBaseMs: runtime.retryAfterBaseMs } }),
    logger,
  });
  const metrics = runtime.metrics ?? (spec.metricsFile ? new JsonLinesMetricsFile(spec.metricsFile) : undefined);
  const manager = new CoreRunnerManager(
    cloud,
    { name: spec.name, auth: spec.github.auth, path: spec.github.path },
    {
      platform,
      logger,
      ...(metrics ? { metrics } : {}),
      labels: spec.labels,
      createConcurrency: spec.createConcurrency,
      graceSeconds: spec.graceSeconds,
      creationTimeoutSeconds: spec.creationTimeoutSeconds,
      ...(runtime.inFlightElsewhere ? { inFlightElsewhere: runtime.inFlightElsewhere } : {}),
    },
  );
  return { manager, spec, cloud };
}

/** Builds a `RunnerManager` for an OpenStack cloud and a GitHub path from plain options. */
export function createRunnerManager(input: FleetSpecInput | FleetSpec, runtime: RuntimeOptions = {}): CoreRunnerManager {
  return createFleetManager(input, runtime).manager;
}

function isValidated(input: FleetSpecInput | FleetSpec): input is FleetSpec {
  return typeof input.github.path === "object";
}
