/**
 * Removing a whole fleet (`pulumi destroy` of a RunnerFleet): its runners by the destroy policy
 * (the manager's drain), then, once none is left, its runner scale set when it has one, so no scale
 * set is left orphaned in GitHub. The scale set goes last: GitHub refuses to delete one whose
 * runners have jobs (scale-set-deletion.ts), and a rerun after a failure finds it again.
 */
import type { AutoscaleConfig } from "../autoscale/config.js";
import { describeError, FleetError } from "../manager/errors.js";
import type { DrainOptions, DrainReport } from "../manager/drain.js";
import { type Logger, silentLogger } from "../manager/ports.js";
import type { FleetManager, RuntimeOptions } from "./create-runner-manager.js";
import { createScaleSetDemandAdapters } from "./demand-adapters.js";
import type { ScaleSetRemoval } from "./scale-set-deletion.js";
import { declaredScaleSet, type FleetScaleSet, scaleSetName } from "./scale-set-fleet.js";

/** What removing the fleet did; `remaining` 0 and 0 on success. */
export interface FleetRemoval {
  drain: DrainReport;
  /** Absent for a fleet without a scale set. `kept`: runners were left, so it was not tried; `unknown`: a lookup that may fail did. */
  scaleSet?: { name: string; outcome: "deleted" | "gone" | "kept" | "unknown"; reason?: string };
}

/** Options of `removeFleet`. */
export interface RemoveFleetOptions extends Pick<RuntimeOptions, "githubFetch" | "timeoutMs"> {
  drain: DrainOptions;
  /** The fleet's autoscale settings (the pool's state): whether it has a scale set, and its name. */
  autoscale?: AutoscaleConfig;
  logger?: Logger;
  /** The Actions service side already built for the fleet (provider-runtime.ts), instead of a new one from the spec. */
  scaleSet?: ScaleSetRemoval;
}

/**
 * Drains the fleet, then deletes its scale set. Throws a `FleetError` (`scale_set_not_deleted`)
 * when a declared scale set could not be deleted, so the destroy fails and can be run again.
 */
export async function removeFleet(fleet: FleetManager, o: RemoveFleetOptions): Promise<FleetRemoval> {
  const drain = await fleet.manager.drain(o.drain);
  const wanted = fleetScaleSet(fleet.spec.prefix, o.autoscale);
  if (!wanted) return { drain };
  const { name, required } = wanted;
  if (drain.remaining.vms > 0 || drain.remaining.githubRunners > 0) return { drain, scaleSet: { name, outcome: "kept" } };
  const logger = o.logger ?? silentLogger;
  const removal = o.scaleSet ?? createScaleSetDemandAdapters(fleet.spec, { name, ...(wanted.runnerGroup ? { runnerGroup: wanted.runnerGroup } : {}) }, {
    ...(o.githubFetch ? { githubFetch: o.githubFetch } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    logger,
  }).service;
  try {
    return { drain, scaleSet: { name, outcome: await removal.deleteScaleSet() } };
  } catch (error) {
    const reason = describeError(error);
    if (required) throw new FleetError("scale_set_not_deleted", `${fleet.spec.prefix}: its runners are removed, but scale set '${name}' could not be deleted: ${reason}; run the destroy again`, { cause: error });
    // The fleet may never have had one (webhook demand): a failed look does not fail the destroy.
    logger.warn(`${fleet.spec.prefix}: could not look for a scale set '${name}' to delete: ${reason}`);
    return { drain, scaleSet: { name, outcome: "unknown", reason } };
  }
}

/**
 * The scale set a fleet's `autoscale` gives it, if any (scale-set-fleet.ts). `required` when the
 * fleet declares it; without `demand` and `scaleSet` serve uses one named after the prefix only
 * when no webhook secret is set, so removing the fleet looks for it but does not fail on it.
 */
export function fleetScaleSet(prefix: string, autoscale: AutoscaleConfig | undefined): (FleetScaleSet & { required: boolean }) | undefined {
  if (!autoscale || autoscale.demand === "webhook") return undefined;
  const declared = declaredScaleSet(prefix, autoscale);
  return declared ? { ...declared, required: true } : { name: scaleSetName(prefix, autoscale), required: false };
}
