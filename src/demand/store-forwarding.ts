/**
 * The store methods both DemandStore implementations forward the same way: each call goes
 * through the implementation's `call` (which joins a transaction in progress, or runs alone, and
 * translates errors). Written once here, so a new store method is added in one place.
 */
import type { DemandStore, DemandStoreOps } from "./store.js";

/** A DemandStore whose every operation runs through `call`. */
export abstract class ForwardingDemandStore implements DemandStore {
  /** Runs one operation of the store on the right connection. */
  protected abstract call<T>(name: keyof DemandStoreOps, fn: (ops: DemandStoreOps) => Promise<T>): Promise<T>;
  abstract transaction<T>(fn: (tx: DemandStoreOps) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;

  recordDelivery: DemandStoreOps["recordDelivery"] = (...a) => this.call("recordDelivery", (o) => o.recordDelivery(...a));
  hasDelivery: DemandStoreOps["hasDelivery"] = (...a) => this.call("hasDelivery", (o) => o.hasDelivery(...a));
  lastDeliveryAt: DemandStoreOps["lastDeliveryAt"] = () => this.call("lastDeliveryAt", (o) => o.lastDeliveryAt());
  getValue: DemandStoreOps["getValue"] = (...a) => this.call("getValue", (o) => o.getValue(...a));
  setValue: DemandStoreOps["setValue"] = (...a) => this.call("setValue", (o) => o.setValue(...a));
  applyJobEvent: DemandStoreOps["applyJobEvent"] = (...a) => this.call("applyJobEvent", (o) => o.applyJobEvent(...a));
  getJob: DemandStoreOps["getJob"] = (...a) => this.call("getJob", (o) => o.getJob(...a));
  listJobs: DemandStoreOps["listJobs"] = (...a) => this.call("listJobs", (o) => o.listJobs(...a));
  countJobs: DemandStoreOps["countJobs"] = (...a) => this.call("countJobs", (o) => o.countJobs(...a));
  claimCreation: DemandStoreOps["claimCreation"] = (...a) => this.call("claimCreation", (o) => o.claimCreation(...a));
  finishCreation: DemandStoreOps["finishCreation"] = (...a) => this.call("finishCreation", (o) => o.finishCreation(...a));
  listCreations: DemandStoreOps["listCreations"] = (...a) => this.call("listCreations", (o) => o.listCreations(...a));
  prune: DemandStoreOps["prune"] = (...a) => this.call("prune", (o) => o.prune(...a));
}
