/**
 * What the runner-pool resource stores: plain, engine-resolved values. Credentials sit under one
 * key, `credentials`, so the engine keeps them secret in state (secret input → secret output) and
 * `additionalSecretOutputs` can name them.
 */
import type { AutoscaleConfig } from "../autoscale/config.js";
import type { FleetSpecInput } from "../manager/spec.js";
import type { RunnerVmOptions } from "../manager/user-data.js";
import type { ObservedMember, PoolCounts } from "./pool-observation.js";

export type { PoolCounts } from "./pool-observation.js";

/** Secrets the pool needs; absent ones come from the provider's environment (GITHUB_TOKEN, OS_*, clouds.yaml). */
export interface PoolCredentials {
  githubToken?: string;
  githubApp?: { appId: number | string; installationId: number; privateKey: string };
  /** A whole clouds.yaml (it holds the OpenStack password or application credential secret). */
  cloudsYaml?: string;
}

/** How `pulumi destroy` removes the fleet. */
export interface DestroyPolicy {
  mode: "drain" | "force";
  timeoutSeconds: number;
}

/** The checked inputs of the runner pool. */
export interface PoolInputs {
  prefix: string;
  /** Manager name: the `flavor` of metric events. */
  name: string;
  /** The fixed size; with autoscale, the floor every `up` guarantees (absent: autoscale.minIdle). */
  runners?: number;
  maxRunners?: number;
  /** Demand-driven sizing, as `check` validated it (defaults applied); absent in state written before it existed. */
  autoscale?: AutoscaleConfig;
  image: string;
  flavor: string;
  network: string;
  labels: string[];
  securityGroups: string[];
  keyName?: string;
  github: { path: string; runnerGroup?: string; apiUrl?: string };
  openstack: { cloud?: string; region?: string };
  vm: RunnerVmOptions;
  createConcurrency?: number;
  waitFor: "none" | "active" | "online";
  waitTimeoutSeconds: number;
  destroyPolicy: DestroyPolicy;
  metricsFile?: string;
  credentials: PoolCredentials;
  /** Set by `check`: the configuration fingerprint new VMs get. */
  fingerprint?: string;
}

/** The pool's outputs: its inputs (diff receives old outputs only) plus what was observed. */
export interface PoolOutputs extends PoolInputs {
  observed: PoolCounts;
  runnerNames: string[];
  /** VMs cleanup would remove (consumed, ERROR, never came up), as last observed; absent in older state. */
  stale?: number;
  /** Every VM as last observed (pool-observation.ts); absent in state written before 0.2. */
  members?: ObservedMember[];
  /** What the last refresh found changed since the pool last looked (pool-drift.ts); an update clears it. */
  drift?: string;
}

/** A fleet spec input whose `runners` is absent when neither `runners` nor `autoscale` was given (check reports it). */
export type PoolSpecInput = Omit<FleetSpecInput, "runners"> & { runners: number | undefined };

/** The fleet spec a pool's inputs describe (credentials mapped to the spec's auth fields). */
export function specOf(inputs: PoolInputs): PoolSpecInput {
  const { credentials, github, openstack } = inputs;
  const optional = (["maxRunners", "keyName", "createConcurrency", "metricsFile"] as const).filter((k) => inputs[k] !== undefined);
  return {
    prefix: inputs.prefix,
    name: inputs.name,
    image: inputs.image,
    flavor: inputs.flavor,
    network: inputs.network,
    labels: inputs.labels,
    securityGroups: inputs.securityGroups,
    vm: inputs.vm,
    ...Object.fromEntries(optional.map((k) => [k, inputs[k]])),
    runners: floorOf(inputs),
    github: {
      ...github,
      ...(credentials.githubToken ? { token: credentials.githubToken } : {}),
      ...(credentials.githubApp ? { app: credentials.githubApp } : {}),
    },
    openstack: { ...openstack, ...(credentials.cloudsYaml ? { cloudsYaml: credentials.cloudsYaml } : {}) },
  };
}

/** The count `create` brings the fleet to: `runners` (or autoscale.minIdle), capped by maxRunners. */
export function floorOf(inputs: Pick<PoolInputs, "runners" | "maxRunners" | "autoscale">): number | undefined {
  const floor = inputs.runners ?? inputs.autoscale?.minIdle;
  return floor === undefined || inputs.maxRunners === undefined ? floor : Math.min(floor, inputs.maxRunners);
}
