/**
 * `create` / `update` of the runner pool: reconcile to the desired count, optionally wait, observe.
 * With autoscale, `update` keeps the runners runner-fleet serve started (pool-sizing.ts).
 */
import type { FleetManager } from "../fleet/create-runner-manager.js";
import type { ReconcileReport } from "../manager/reconcile.js";
import type { PoolInputs, PoolOutputs } from "./pool-inputs.js";
import { observeFleet } from "./pool-observation.js";
import { updateTarget } from "./pool-sizing.js";
import { initError, managerFor, reason, stderrLogger } from "./provider-runtime.js";

/** Brings the fleet to the desired count with the inputs' configuration; throws an init error on partial failure. */
export async function applyPool(id: string, inputs: PoolInputs, phase: "create" | "update"): Promise<PoolOutputs> {
  const fleet = await managerFor(inputs);
  const desired = await desiredCount(fleet, inputs, phase);
  const report = await fleet.manager.reconcile(desired, { soft: true, replaceOutdated: true });
  await waitFor(fleet, inputs, desired);
  const outputs: PoolOutputs = { ...inputs, ...(await observeFleet(fleet)) };
  const { total, idle, busy } = outputs.observed;
  stderrLogger.info(`${inputs.prefix}: ${describeWork(report)}${total} runners (${idle} idle, ${busy} busy)`);
  const failure = describeFailures(report);
  if (failure) throw initError(id, outputs, `${inputs.prefix}: ${failure}; the fleet has ${outputs.observed.total} of ${desired} runners`);
  return outputs;
}

/** `create`: the floor (a fixed fleet's size). `update` with autoscale: the live runners, within floor and ceiling. */
async function desiredCount(fleet: FleetManager, inputs: PoolInputs, phase: "create" | "update"): Promise<number> {
  if (phase === "create" || !inputs.autoscale) return fleet.spec.runners;
  // One listing more than a fixed fleet's update. A runner serve starts between this look and the
  // reconcile's own would count above the target, and an idle one (never a busy one) could go;
  // the window is one listing long, and serve starts another if demand still wants it.
  return updateTarget(inputs, (await observeFleet(fleet)).observed.total);
}

async function waitFor(fleet: FleetManager, inputs: PoolInputs, desired: number): Promise<void> {
  if (inputs.waitFor === "none" || desired === 0) return;
  const ready = await fleet.manager.waitForRunners(inputs.waitFor, { count: desired, timeoutSeconds: inputs.waitTimeoutSeconds, pollSeconds: 2 });
  if (ready < desired) {
    stderrLogger.warn(`${inputs.prefix}: only ${ready} of ${desired} runners ${inputs.waitFor} after ${inputs.waitTimeoutSeconds}s`);
  }
}

/** "created 4, removed 2 used VMs; " — one sentence for the whole apply, not a line per runner. */
function describeWork(report: ReconcileReport): string {
  const removed = report.deletions.filter((d) => d.vm === "deleted" || d.vm === "gone");
  const kept = report.deletions.filter((d) => d.vm === "kept").length;
  const parts = [
    report.created.length > 0 ? `created ${report.created.length}` : "",
    removed.length > 0 ? `removed ${removed.length} VM${removed.length > 1 ? "s" : ""}` : "",
    kept > 0 ? `kept ${kept} busy` : "",
  ].filter(Boolean);
  return parts.length > 0 ? `${parts.join(", ")}; ` : "";
}

function describeFailures(report: ReconcileReport): string | undefined {
  const failed = report.createFailures;
  if (failed.length === 0) return undefined;
  // Each OpenStack error names its own request id: without it, the same cause reads the same.
  const counts = new Map<string, number>();
  for (const f of failed) {
    const text = reason(f.error).replace(/\s*\[request [^\]]*\]/g, "");
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const reasons = [...counts].map(([text, n]) => (n > 1 ? `${n}× ${text}` : text));
  return `could not create ${failed.length} runner${failed.length > 1 ? "s" : ""} (${reasons.join("; ")})`;
}
