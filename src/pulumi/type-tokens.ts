/**
 * The Pulumi type tokens of what a RunnerFleet registers. Plain strings with no Pulumi import, so
 * the CLI's state readers (src/cli/stack-state.ts) share them without loading the SDK.
 */

/** The component. */
export const FLEET_TYPE = "runner-fleet:index:RunnerFleet";
/** The runner pools: dynamic resources (package `pulumi-nodejs`, module `dynamic/runner-fleet`). */
export const POOL_TYPE = "pulumi-nodejs:dynamic/runner-fleet:RunnerPool";
/** Flush and cleanup operations, named `${fleet}-flush` and `${fleet}-cleanup`. */
export const OPERATION_TYPE = "pulumi-nodejs:dynamic/runner-fleet:FleetOperation";

/** The runner pool as the provider plugin serves it (a fleet constructed by the plugin: Python, YAML, … programs). */
export const PLUGIN_POOL_TYPE = "runner-fleet:index:RunnerPool";
/** Flush and cleanup operations as the provider plugin serves them. */
export const PLUGIN_OPERATION_TYPE = "runner-fleet:index:FleetOperation";

/** Both tokens of a runner pool, for state readers that meet fleets of either kind. */
export const POOL_TYPES: readonly string[] = [POOL_TYPE, PLUGIN_POOL_TYPE];
/** Both tokens of an operation. */
export const OPERATION_TYPES: readonly string[] = [OPERATION_TYPE, PLUGIN_OPERATION_TYPE];
