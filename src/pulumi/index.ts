/**
 * `runner-fleet/pulumi`: the Pulumi component alone, for Pulumi programs. It loads nothing but the
 * component (no GitHub or OpenStack client, no sandbox), so a program that imports it starts
 * fast; the root `runner-fleet` exports the same names among everything else.
 */
export { RunnerFleet, defaultPrefix } from "./runner-fleet.js";
export type {
  RunnerFleetArgs, FleetAutoscaleArgs, FleetAutoscaledArgs, FleetCountArgs, FleetGitHubArgs, FleetOpenStackArgs, FleetOpenStackAuth, FleetSharedArgs,
  ScheduleWindow,
} from "./fleet-args.js";
export type { PoolCounts } from "./pool-inputs.js";
export type { OperationResult } from "./operation-provider.js";
