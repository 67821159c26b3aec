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
