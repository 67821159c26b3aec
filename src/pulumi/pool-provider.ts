/**
 * The runner pool's dynamic provider, loaded at run time from the installed runner-fleet by the
 * pool's `__provider` module (provider-module.ts), so upgrades take effect without re-serializing.
 * Known limits: `pulumi import` does not work for dynamic resources (pulumi#16175), and dynamic
 * providers serve TypeScript/JavaScript programs only (pulumi#5455).
 */
import type * as pulumi from "@pulumi/pulumi";
import { attachDetailedDiff, enableDetailedDiffs } from "./detailed-diff.js";
import { checkPool } from "./pool-check.js";
import { applyPool } from "./pool-apply.js";
import { diffPool } from "./pool-diff.js";
import { describeDrift } from "./pool-drift.js";
import type { PoolInputs, PoolOutputs } from "./pool-inputs.js";
import { observeFleet } from "./pool-observation.js";
import { noteCheck, previewLine } from "./preview-lines.js";
import { managerFor, stderrLogger } from "./provider-runtime.js";

enableDetailedDiffs();

/** check / diff / create / read / update / delete of one fleet. */
export const poolProvider: pulumi.dynamic.ResourceProvider<PoolInputs, PoolOutputs> = {
  async check(olds, news) {
    noteCheck(olds.prefix);
    return checkPool(olds, news);
  },

  async diff(_id, olds, news) {
    const { plan, detailedDiff, ...result } = diffPool(olds, news);
    const line = previewLine(olds.prefix, olds.drift, plan);
    if (line) {
      stderrLogger.info(line);
      attachDetailedDiff(detailedDiff);
    }
    return result;
  },

  async create(inputs) {
    return { id: inputs.prefix, outs: await applyPool(inputs.prefix, inputs, "create") };
  },

  async update(id, _olds, news) {
    return { outs: await applyPool(id, news, "update") };
  },

  async read(id, props) {
    if (!props) return { id, props };
    const observation = await observeFleet(await managerFor(props));
    // What changed since the pool last looked, for the plan's diff to tell (preview-lines.ts); a
    // refresh after that replaces it, an update clears it.
    const { drift: _earlier, ...rest } = props;
    const drift = describeDrift(props, observation.members);
    return { id, props: { ...rest, ...observation, ...(drift ? { drift } : {}) } };
  },

  // The runners by the destroy policy, then the fleet's scale set if it has one (remove-fleet.ts).
  async delete(_id, props) {
    const { mode, timeoutSeconds } = props.destroyPolicy;
    const pollSeconds = Math.min(5, Math.max(timeoutSeconds / 10, 0.5));
    const { removeFleet } = await import("../fleet/remove-fleet.js");
    const fleet = await managerFor(props);
    const { drain, scaleSet } = await removeFleet(fleet, { drain: { mode, timeoutSeconds, pollSeconds }, ...(props.autoscale ? { autoscale: props.autoscale } : {}), ...(fleet.scaleSet ? { scaleSet: fleet.scaleSet } : {}), logger: stderrLogger });
    const { vms, githubRunners } = drain.remaining;
    if (vms > 0 || githubRunners > 0) {
      throw new Error(`${props.prefix}: ${vms} VMs and ${githubRunners} GitHub runners are left${scaleSet ? ` (scale set '${scaleSet.name}' stays until they are gone)` : ""}; run the destroy again`);
    }
    const forced = drain.forced ? " (busy runners were forced out at the deadline)" : "";
    const deleted = scaleSet?.outcome === "deleted" ? `; scale set '${scaleSet.name}' deleted` : "";
    stderrLogger.info(`${props.prefix}: fleet removed${forced}${deleted}`);
  },
};
