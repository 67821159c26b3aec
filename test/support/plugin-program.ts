/**
 * The e2e fleet program (FLEET_PROGRAM) served by the provider plugin: the component registered
 * as a remote `runner-fleet:index:RunnerFleet`, the way a generated SDK of any language registers
 * it, and Pulumi.yaml pointing the engine at the plugin launcher in the installed npm package.
 * Same config, same arguments: a stack can move between the two programs.
 */
import { FLEET_PROGRAM } from "./pulumi-project.js";

/** A hand-written SDK class: what `pulumi package gen-sdk` would generate, reduced to the constructor. */
const REMOTE_FLEET = `class RunnerFleet extends pulumi.ComponentResource {
  declare readonly prefix: pulumi.Output<string>;
  declare readonly runnerNames: pulumi.Output<string[]>;
  declare readonly counts: pulumi.Output<unknown>;
  declare readonly operations: pulumi.Output<unknown>;
  constructor(name: string, args: Record<string, unknown>, opts?: pulumi.ComponentResourceOptions) {
    super("runner-fleet:index:RunnerFleet", name, { ...args, prefix: undefined, runnerNames: undefined, counts: undefined, operations: undefined }, opts, true);
  }
}
`;

/** Pulumi.yaml with the plugin's folder: the launcher bin/pulumi-resource-runner-fleet of the installed package. */
export const PLUGIN_PULUMI_YAML = `${FLEET_PROGRAM["Pulumi.yaml"]!}plugins:
  providers:
    - name: runner-fleet
      path: node_modules/runner-fleet/bin
`;

/** FLEET_PROGRAM's index.ts with the remote component instead of `runner-fleet/pulumi`'s. */
export const PLUGIN_INDEX = FLEET_PROGRAM["index.ts"]!.replace(`import { RunnerFleet } from "runner-fleet/pulumi";\n`, REMOTE_FLEET);

/** The whole plugin-served fleet program. */
export const PLUGIN_FLEET_PROGRAM: Record<string, string> = { ...FLEET_PROGRAM, "Pulumi.yaml": PLUGIN_PULUMI_YAML, "index.ts": PLUGIN_INDEX };
