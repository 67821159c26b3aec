/** Starts a sandbox and builds fleets on it through the real adapters, for integration tests. */
import { createFleetManager, type FleetManager, type RuntimeOptions } from "../../src/fleet/create-runner-manager.js";
import type { FleetSpecInput } from "../../src/manager/spec.js";
import type { PoolInputs } from "../../src/pulumi/pool-inputs.js";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { MemoryMetrics } from "../fakes/fleet.js";

/** Short delays so integration tests run in seconds. */
export const FAST: SandboxOptions = { bootDelayMs: 30, shutdownDelayMs: 20, github: { onlineDelayMs: 20 } };

/** The fleet spec of a test fleet on `sandbox`. */
export function specFor(sandbox: Sandbox, overrides: Partial<FleetSpecInput> = {}): FleetSpecInput {
  return {
    prefix: "it",
    runners: 0,
    image: "ubuntu-24.04",
    flavor: "m1.small",
    network: "runners-net",
    graceSeconds: 1,
    ...overrides,
    github: { path: "acme/app", token: sandbox.githubToken, apiUrl: sandbox.githubUrl, ...overrides.github },
    openstack: { cloudsYaml: sandbox.cloudsYaml, cloud: sandbox.cloudName, ...overrides.openstack },
  };
}

/** A fleet manager on the sandbox, with its events collected in memory. */
export function fleetOn(sandbox: Sandbox, overrides: Partial<FleetSpecInput> = {}, runtime: RuntimeOptions = {}): FleetManager & { metrics: MemoryMetrics } {
  const metrics = new MemoryMetrics();
  const built = createFleetManager(specFor(sandbox, overrides), { env: {}, retryAfterBaseMs: 5, metrics, ...runtime });
  return { ...built, metrics };
}

/** Starts a sandbox with fast timings (plus `options`). */
export function startFastSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ ...FAST, ...options, github: { ...FAST.github, ...options.github } });
}

/** The checked inputs of a runner pool on `sandbox`, as the engine hands them to the provider. */
export function poolInputsFor(sandbox: Sandbox, overrides: Partial<PoolInputs> = {}): PoolInputs {
  return {
    prefix: "pool",
    name: "pool",
    runners: 2,
    image: "ubuntu-24.04",
    flavor: "m1.small",
    network: "runners-net",
    labels: [],
    securityGroups: [],
    github: { path: "acme/app", apiUrl: sandbox.githubUrl },
    openstack: { cloud: sandbox.cloudName },
    vm: {},
    waitFor: "none",
    waitTimeoutSeconds: 30,
    destroyPolicy: { mode: "drain", timeoutSeconds: 30 },
    credentials: { githubToken: sandbox.githubToken, cloudsYaml: sandbox.cloudsYaml },
    ...overrides,
  };
}
