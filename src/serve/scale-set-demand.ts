/**
 * Scale-set demand for `serve` (SPEC §10): the listener on the fleet's runner scale set, its
 * statistics kept in the store before each message is acknowledged, its job events applied to the
 * store, and what the controller reads of it: jobs waiting = assigned − running, running being at
 * least the fleet's busy runners (so desired = min(max, assigned + minIdle), ARC's rule with
 * minIdle as its addend, reference §1.10), and
 * whether this controller holds the session (a standby observes and decides nothing).
 */
import type { ObservedRunner } from "../autoscale/policy.js";
import type { DemandSnapshot } from "../demand/events.js";
import type { DemandSink } from "../demand/ports.js";
import { createScaleSetSource, type ScaleSetSource } from "../demand/scale-set-source.js";
import type { DemandStore, DemandStoreOps } from "../demand/store.js";
import type { ScaleSetAdapters } from "../github/scale-set-adapters.js";
import type { Logger } from "../manager/ports.js";

const SNAPSHOT_KEY = "scale-set:statistics";

/** What scale-set demand gives the service and its controller. */
export interface ScaleSetDemand {
  source: ScaleSetSource;
  /** Wraps the service's sink: statistics and job events are in the store when it resolves. */
  sink(inner: DemandSink): DemandSink;
  waiting(tx: DemandStoreOps, supply: readonly ObservedRunner[], running: ReadonlySet<string>): Promise<number>;
  active(): boolean;
}

/** Builds the listener for the fleet's scale set; it connects on `source.start`. */
export function openScaleSetDemand(adapters: ScaleSetAdapters, o: { store: DemandStore; maxCapacity: number; owner: string; logger: Logger }): ScaleSetDemand {
  const source = createScaleSetSource({ service: adapters.service, maxCapacity: o.maxCapacity, ownerName: o.owner, logger: o.logger });
  return {
    source,
    sink: (inner) => ({
      async event(event) {
        await o.store.applyJobEvent(event);
        await inner.event(event);
      },
      async snapshot(snapshot) {
        // Durable before the listener acknowledges the message that carried it.
        await o.store.setValue(SNAPSHOT_KEY, JSON.stringify(snapshot));
        await inner.snapshot(snapshot);
      },
    }),
    async waiting(tx, supply, running) {
      const text = await tx.getValue(SNAPSHOT_KEY);
      if (!text) return 0;
      return assignedWaiting(JSON.parse(text) as DemandSnapshot, supply, running);
    },
    active: () => source.isActive(),
  };
}

/**
 * Jobs assigned to the scale set that no runner runs yet. GitHub lists a runner busy before the
 * statistics count its job as running, so a job just taken would count twice (as busy and as
 * waiting: measured 1–3% extra VMs in the benches). Every busy runner of the fleet runs one of the
 * scale set's jobs, so the jobs running are at least the busy runners (or those events say took one).
 */
export function assignedWaiting(snapshot: Pick<DemandSnapshot, "assignedJobs" | "runningJobs">, supply: readonly ObservedRunner[], running: ReadonlySet<string>): number {
  const busy = supply.filter((r) => r.state === "busy" || r.tookJob || running.has(r.name)).length;
  return Math.max(0, snapshot.assignedJobs - Math.max(snapshot.runningJobs, busy));
}
