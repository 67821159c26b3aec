/**
 * The custom resources a RunnerFleet is made of, in either of two kinds that share one
 * implementation of the pool logic:
 * - `dynamic`: dynamic resources of the `pulumi-nodejs` package, whose `__provider` text loads the
 *   installed runner-fleet (provider-module.ts). What TypeScript programs get: no plugin to install.
 * - `plugin`: `runner-fleet:index:*` resources served by the provider plugin (src/provider), for a
 *   fleet the plugin constructs for a program in any language. A dynamic provider would not do
 *   there: its process runs in the consumer's directory and cannot load runner-fleet (pulumi#5455).
 */
import * as pulumi from "@pulumi/pulumi";
import type { OperationOutputs } from "./operation-provider.js";
import type { PoolCounts, PoolInputs } from "./pool-inputs.js";
import { providerModule } from "./provider-module.js";
import { OPERATION_TYPE, PLUGIN_OPERATION_TYPE, PLUGIN_POOL_TYPE, POOL_TYPE } from "./type-tokens.js";

/** Which kind of child resources a fleet registers. */
export type ChildKind = "dynamic" | "plugin";

// A dynamic resource is a custom resource of the `pulumi-nodejs` package whose `__provider` input
// is its provider's module text; `pulumi.dynamic.Resource` would serialize a closure into it, we
// pass a text written once (provider-module.ts).
const POOL_PROVIDER = providerModule("poolProvider");
const OPERATION_PROVIDER = providerModule("operationProvider");

/** What each kind registers: type tokens, the extra input a dynamic resource needs, and aliases. */
const KINDS = {
  dynamic: { pool: POOL_TYPE, operation: OPERATION_TYPE, poolInputs: { __provider: POOL_PROVIDER }, operationInputs: { __provider: OPERATION_PROVIDER }, aliases: {} },
  // The same resources under the plugin's tokens, aliased from the dynamic ones, so a stack made by
  // the TypeScript API keeps its fleet when its program moves to the plugin (no replacement: the
  // engine diffs with the new provider, whose DiffConfig asks for none).
  plugin: { pool: PLUGIN_POOL_TYPE, operation: PLUGIN_OPERATION_TYPE, poolInputs: {}, operationInputs: {}, aliases: { pool: POOL_TYPE, operation: OPERATION_TYPE } },
} as const;

/** The pool's inputs as resource props: one Input per key; autoscale as written, before check's defaults. */
export type PoolProps = { [K in keyof Omit<PoolInputs, "autoscale">]: pulumi.Input<PoolInputs[K]> } & { autoscale?: pulumi.Input<unknown> };

/** The runner pool: the resource that owns the fleet's VMs and GitHub runners. */
export class RunnerPool extends pulumi.CustomResource {
  declare readonly prefix: pulumi.Output<string>;
  declare readonly observed: pulumi.Output<PoolCounts>;
  declare readonly runnerNames: pulumi.Output<string[]>;

  constructor(kind: ChildKind, name: string, props: PoolProps, opts: pulumi.CustomResourceOptions) {
    const { pool, poolInputs, aliases } = KINDS[kind];
    // Output-only keys must be listed as undefined or the engine never fills them (pulumi/docs#11639).
    super(pool, name, { ...props, ...poolInputs, fingerprint: undefined, observed: undefined, runnerNames: undefined }, withAlias(opts, "pool" in aliases ? aliases.pool : undefined));
  }
}

/** The inputs of a flush or cleanup operation. */
export interface OperationProps {
  kind: string;
  mode: pulumi.Input<string | undefined>;
  trigger: pulumi.Input<string>;
  pool: pulumi.Input<PoolInputs>;
}

/** A flush or cleanup stack action on the pool. */
export class FleetOperation extends pulumi.CustomResource {
  declare readonly lastRun: pulumi.Output<OperationOutputs["lastRun"]>;

  constructor(kind: ChildKind, name: string, props: OperationProps, opts: pulumi.CustomResourceOptions) {
    const { operation, operationInputs, aliases } = KINDS[kind];
    super(operation, name, { ...props, ...operationInputs, lastRun: undefined }, withAlias(opts, "operation" in aliases ? aliases.operation : undefined));
  }
}

function withAlias(opts: pulumi.CustomResourceOptions, type: string | undefined): pulumi.CustomResourceOptions {
  return type ? { ...opts, aliases: [...(opts.aliases ?? []), { type }] } : opts;
}
