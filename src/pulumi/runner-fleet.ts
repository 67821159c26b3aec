/**
 * `RunnerFleet`: a fleet of ephemeral GitHub Actions runners on OpenStack as a Pulumi component.
 * Thin glue: a runner-pool resource, optional flush/cleanup operation resources and an optional
 * security group; all behaviour lives in the runner manager. The children are dynamic resources
 * when a TypeScript program builds the fleet, plugin-served ones when the provider plugin
 * constructs it for a program in another language (fleet-children.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { credentialsOf, INLINE_CLOUD } from "./credentials.js";
import type { RunnerFleetArgs } from "./fleet-args.js";
import { type ChildKind, FleetOperation, type PoolProps, RunnerPool } from "./fleet-children.js";
import type { OperationOutputs } from "./operation-provider.js";
import type { PoolCounts, PoolInputs } from "./pool-inputs.js";
import { egressOnlySecurityGroup } from "./security-group.js";
import { FLEET_TYPE } from "./type-tokens.js";

/** How the fleet is built; internal (the provider plugin's construct sets it). */
export interface RunnerFleetBuild {
  /** The kind of child resources (default "dynamic"). */
  children?: ChildKind;
}

/** Derives a valid fleet prefix from the stack and the component's name. */
export function defaultPrefix(stack: string, name: string): string {
  const raw = `${stack}-${name}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-");
  return raw.slice(0, 51).replace(/^-+|-+$/g, "") || "fleet";
}

/** A fleet of ephemeral GitHub Actions runners on OpenStack VMs. */
export class RunnerFleet extends pulumi.ComponentResource {
  /** The fleet prefix: every VM and GitHub runner is named `${prefix}-<12 hex>`. */
  declare readonly prefix: pulumi.Output<string>;
  /** Names of the runners as last observed (create, update or refresh). */
  declare readonly runnerNames: pulumi.Output<string[]>;
  /** Runner counts by GitHub state, as last observed. */
  declare readonly counts: pulumi.Output<PoolCounts>;
  /** The last flush and cleanup results. */
  declare readonly operations: pulumi.Output<{ flush?: OperationOutputs["lastRun"]; cleanup?: OperationOutputs["lastRun"] }>;

  /** @param build internal: how the provider plugin builds the fleet. */
  constructor(name: string, args: RunnerFleetArgs, opts?: pulumi.ComponentResourceOptions, build: RunnerFleetBuild = {}) {
    super(FLEET_TYPE, name, {}, opts);
    const kind = build.children ?? "dynamic";
    const securityGroups = args.createSecurityGroup
      ? pulumi.all([args.securityGroups ?? [], egressOnlySecurityGroup(name, this)]).apply(([groups, id]) => [...groups, id])
      : args.securityGroups;
    const inputs = poolInputs(name, { ...args, ...(securityGroups ? { securityGroups } : {}) });
    const pool = new RunnerPool(kind, `${name}-pool`, inputs, { parent: this, additionalSecretOutputs: ["credentials"] });
    const flush = args.flush ? operation(kind, this, name, "flush", pulumi.output(args.flush), inputs, pool) : undefined;
    const cleanup = args.cleanup ? operation(kind, this, name, "cleanup", pulumi.output(args.cleanup), inputs, pool) : undefined;
    this.prefix = pool.prefix;
    this.runnerNames = pool.runnerNames;
    this.counts = pool.observed;
    this.operations = pulumi.all([flush?.lastRun, cleanup?.lastRun]).apply(([f, c]) => ({ ...(f ? { flush: f } : {}), ...(c ? { cleanup: c } : {}) }));
    this.registerOutputs({ prefix: this.prefix, runnerNames: this.runnerNames, counts: this.counts, operations: this.operations });
  }
}

/** The pool's inputs from the component's args, with defaults applied in one place. */
function poolInputs(name: string, args: RunnerFleetArgs): PoolProps {
  const stack = pulumi.getStack();
  const github = pulumi.output(args.github);
  const openstack = pulumi.output(args.openstack ?? {});
  // Credentials travel as their own secret output, so the other inputs stay readable in previews.
  const credentials = pulumi.secret(pulumi.all([github, openstack]).apply(([g, o]) => credentialsOf(g, o)));
  // One output per input: a secret arg makes only its own input secret. `github` and `openstack`
  // are secret as a whole when their token or password is, so their plain fields are unsecreted.
  const or = <T>(input: pulumi.Input<T> | undefined, fallback: pulumi.Unwrap<T>): pulumi.Output<pulumi.Unwrap<T>> =>
    pulumi.output(input).apply((v) => v ?? fallback);
  const prefix = or(args.prefix, defaultPrefix(stack, name));
  return {
    prefix,
    name: prefix,
    runners: args.runners,
    maxRunners: args.maxRunners,
    // As given: the pool's check validates it and applies its defaults, so preview reports problems.
    autoscale: args.autoscale,
    image: args.image,
    flavor: args.flavor,
    network: args.network,
    labels: or(args.labels, []),
    securityGroups: or(args.securityGroups, []),
    keyName: args.keyName,
    github: pulumi.unsecret(github.apply((g) => ({ path: g.path, ...(g.runnerGroup ? { runnerGroup: g.runnerGroup } : {}), ...(g.apiUrl ? { apiUrl: g.apiUrl } : {}) }))),
    openstack: pulumi.unsecret(openstack.apply((o) => ({
      ...(o.cloud ? { cloud: o.cloud } : !o.cloudsYaml && o.auth ? { cloud: INLINE_CLOUD } : {}),
      ...(o.region ? { region: o.region } : {}),
    }))),
    vm: or(args.userData, {}),
    createConcurrency: args.createConcurrency,
    waitFor: or(args.waitFor, "none"),
    waitTimeoutSeconds: or(args.waitTimeoutSeconds, 600),
    destroyPolicy: or(args.destroyPolicy, { mode: "drain", timeoutSeconds: 600 }),
    metricsFile: args.metricsFile,
    credentials,
  };
}

function operation(
  kind: ChildKind,
  parent: RunnerFleet,
  name: string,
  action: "flush" | "cleanup",
  args: pulumi.Output<{ mode?: "idle" | "busy"; trigger: string }>,
  pool: PoolProps,
  dependsOn: pulumi.Resource,
): FleetOperation {
  // The operation needs the pool's whole description (and credentials) to build a manager.
  const poolInputs = pulumi.output(pool) as pulumi.Output<PoolInputs>;
  return new FleetOperation(kind, `${name}-${action}`, { kind: action, mode: args.apply((a) => a.mode), trigger: args.apply((a) => a.trigger ?? ""), pool: poolInputs }, {
    parent,
    dependsOn: [dependsOn],
    additionalSecretOutputs: ["pool"],
  });
}
