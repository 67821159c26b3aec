/**
 * `construct` of the plugin: the one component it serves, `runner-fleet:index:RunnerFleet`, built
 * by the same RunnerFleet class TypeScript programs use, with plugin-served children.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RunnerFleetArgs } from "../pulumi/fleet-args.js";
import { FLEET_TYPE } from "../pulumi/type-tokens.js";
import { UnknownResourceTypeError } from "./custom-resources.js";

/** Builds the component the engine asks for; its state is the component's outputs, as in the schema. */
export async function construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<pulumi.provider.ConstructResult> {
  if (type !== FLEET_TYPE) throw new UnknownResourceTypeError(type);
  // Loaded here, not at start: a plugin started for its schema or a refresh never needs the component.
  const { RunnerFleet } = await import("../pulumi/runner-fleet.js");
  // The engine hands over the program's inputs as the schema names them, which are RunnerFleetArgs' names.
  const fleet = new RunnerFleet(name, inputs as unknown as RunnerFleetArgs, options, { children: "plugin" });
  return { urn: fleet.urn, state: { prefix: fleet.prefix, runnerNames: fleet.runnerNames, counts: fleet.counts, operations: fleet.operations } };
}
