/**
 * Which runner scale set a fleet has, and its labels: one rule for `serve` (which listens on it),
 * `pulumi up` (whose floor runners must join it) and destroy (which deletes it). Pure.
 */
import type { AutoscaleConfig } from "../autoscale/config.js";

/** A fleet's scale set: its name and, for org and enterprise fleets, its runner group. */
export interface FleetScaleSet {
  name: string;
  runnerGroup?: string;
}

/** The scale set's name: `autoscale.scaleSet.name`, else the fleet prefix (as serve names it). */
export function scaleSetName(prefix: string, autoscale: Pick<AutoscaleConfig, "scaleSet"> | undefined): string {
  return autoscale?.scaleSet?.name ?? prefix;
}

/**
 * The scale set the fleet declares: `demand: scale-set`, or a `scaleSet` without `demand:
 * webhook`. Without either, serve picks the source at start (by whether a webhook secret is set),
 * so nothing but serve may assume one.
 */
export function declaredScaleSet(prefix: string, autoscale: AutoscaleConfig | undefined): FleetScaleSet | undefined {
  if (!autoscale || autoscale.demand === "webhook") return undefined;
  if (autoscale.demand !== "scale-set" && autoscale.scaleSet === undefined) return undefined;
  const runnerGroup = autoscale.scaleSet?.runnerGroup;
  return { name: scaleSetName(prefix, autoscale), ...(runnerGroup ? { runnerGroup } : {}) };
}

/**
 * The scale set's labels: its name first (what `runs-on` names), then the fleet's labels and the
 * two every self-hosted Linux runner carries, so jobs written for the fixed fleet still match.
 */
export function scaleSetLabels(name: string, fleetLabels: readonly string[]): string[] {
  return [...new Set([name, ...fleetLabels, "self-hosted", "linux"])];
}
