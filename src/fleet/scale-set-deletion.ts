/**
 * Deleting a fleet's runner scale set (`DELETE _apis/runtime/runnerscalesets/{id}` → 204,
 * reference §1.4) without killing a job. GitHub refuses the deletion while a runner of the scale set
 * has a job, and a deleted scale set's runners take no more jobs (ARC ADR 2022-10-27 "Lifetime of
 * RunnerScaleSet on Service": stop the listener, scale to 0, then delete). So the fleet's runners
 * go first, through the busy-safe soft delete: idle ones at once, busy ones once their job is done
 * (they are ephemeral and leave by themselves), waited for up to a timeout. A busy runner is never
 * deleted for it: if one is still busy at the deadline the scale set stays, and the outcome says so.
 */
import type { OperationReport } from "../manager/apply.js";
import type { FleetView } from "../manager/fleet-view.js";
import { type Logger, silentLogger } from "../manager/ports.js";

/** What deleting a scale set needs of the Actions service (src/github `ActionsScaleSetService`). */
export interface ScaleSetRemoval {
  /** Deletes the fleet's scale set; `"gone"` when there is none (404 or not found). */
  deleteScaleSet(): Promise<"deleted" | "gone">;
}

/** What deleting a scale set needs of the fleet's manager. */
export interface RetiringManager {
  observe(): Promise<FleetView>;
  /** Soft: never a busy runner (a 422 / JobStillRunning keeps its VM). */
  deleteRunnersWithReport(num: number, options: { soft: true }): Promise<OperationReport>;
}

/** Options of `retireScaleSet`. */
export interface RetireScaleSetOptions {
  manager: RetiringManager;
  scaleSet: ScaleSetRemoval;
  /** The scale set's name, for the logs. */
  name: string;
  /** How long busy runners may take to finish their jobs before the scale set is left in place. */
  timeoutSeconds: number;
  /** Time between two rounds while runners are busy (default 5 s). */
  pollSeconds?: number;
  logger?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What became of the scale set: deleted, already gone, or kept because runners were left. */
export interface ScaleSetDeletion {
  name: string;
  outcome: "deleted" | "gone" | "kept";
  /** With `kept`: runners still running a job at the deadline, and other VMs that could not be removed. */
  left: { busy: number; other: number };
  seconds: number;
}

/** Why a scale set was kept, for people: "2 runners still running a job, 1 VM not removed". */
export function describeLeft(left: ScaleSetDeletion["left"]): string {
  const parts = [left.busy > 0 ? `${plural(left.busy, "runner")} still running a job` : "", left.other > 0 ? `${plural(left.other, "VM")} not removed` : ""];
  return parts.filter(Boolean).join(", ");
}

/** Retires every runner of the fleet (busy ones after their job, up to the timeout), then deletes its scale set. */
export async function retireScaleSet(o: RetireScaleSetOptions): Promise<ScaleSetDeletion> {
  const { manager, name, timeoutSeconds, pollSeconds = 5, logger = silentLogger, now = Date.now } = o;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  const seconds = () => Math.round((now() - started) / 100) / 10;
  let view = await manager.observe();
  let waited = false;
  for (;;) {
    if (view.members.length > 0) await manager.deleteRunnersWithReport(view.members.length, { soft: true });
    view = await manager.observe();
    const left = leftOf(view);
    if (left.busy + left.other === 0) break;
    if (now() - started >= timeoutSeconds * 1000) return { name, outcome: "kept", left, seconds: seconds() };
    if (!waited && left.busy > 0) {
      logger.info(`waiting up to ${timeoutSeconds} s for ${plural(left.busy, "busy runner")} to finish before deleting scale set '${name}'`, { scaleSet: name, ...left });
      waited = true;
    }
    await sleep(pollSeconds * 1000);
  }
  const outcome = await o.scaleSet.deleteScaleSet();
  return { name, outcome, left: { busy: 0, other: 0 }, seconds: seconds() };
}

// --- internal ---

/**
 * What blocks the deletion: busy runners (with or without a VM), and the other VMs still there.
 * Idle and offline registrations without a VM do not: they go with the scale set (the ADR: "Any
 * offline runners within the RunnerScaleSet will be deleted from the service side").
 */
function leftOf(view: FleetView): { busy: number; other: number } {
  const busyMembers = view.members.filter((m) => m.runner?.busy).length;
  return { busy: busyMembers + view.dangling.filter((r) => r.busy).length, other: view.members.length - busyMembers + view.duplicates.length };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
