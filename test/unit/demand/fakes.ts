/** In-memory fakes of the demand room's ports; the store fake passes the same contract as SQLite. */
import { AsyncLocalStorage } from "node:async_hooks";
import { advanceJob } from "../../../src/demand/job-state.js";
import type { DemandEvent, DemandSnapshot } from "../../../src/demand/events.js";
import type { DeliverySummary, DemandSink, HookDeliveries, JobLookup, RemoteJobStatus } from "../../../src/demand/ports.js";
import {
  type CreationRecord, DEFAULT_RETENTION, type DemandStore, type DemandStoreOps, type JobFilter, type JobRecord,
} from "../../../src/demand/store.js";

interface State {
  deliveries: Map<string, number>;
  kv: Map<string, string>;
  jobs: Map<number, JobRecord>;
  creations: Map<string, CreationRecord>;
}

const LAST = "webhook.last-delivery-at";

/** A `DemandStore` in memory; a failed transaction restores the state it started from. */
export class MemoryDemandStore implements DemandStore {
  state: State = { deliveries: new Map(), kv: new Map(), jobs: new Map(), creations: new Map() };
  /** When set, every call rejects with it (a store outage). */
  failWith: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inTransaction = new AsyncLocalStorage<true>();

  private readonly ops: DemandStoreOps = {
    recordDelivery: async (guid, at) => {
      const fresh = !this.state.deliveries.has(guid);
      if (fresh) this.state.deliveries.set(guid, at.getTime());
      if (Number(this.state.kv.get(LAST) ?? -Infinity) < at.getTime()) this.state.kv.set(LAST, String(at.getTime()));
      return fresh;
    },
    hasDelivery: async (guid) => this.state.deliveries.has(guid),
    lastDeliveryAt: async () => (this.state.kv.has(LAST) ? new Date(Number(this.state.kv.get(LAST))) : undefined),
    getValue: async (key) => this.state.kv.get(key),
    setValue: async (key, value) => void this.state.kv.set(key, value),
    applyJobEvent: async (event) => {
      const result = advanceJob(this.state.jobs.get(event.jobId), event);
      this.state.jobs.set(event.jobId, result.job);
      return result;
    },
    getJob: async (id) => this.state.jobs.get(id),
    listJobs: async ({ status, afterId = 0, updatedBefore, limit = Infinity }: JobFilter = {}) =>
      [...this.state.jobs.values()]
        .filter((j) => (!status || j.status === status) && j.id > afterId && (!updatedBefore || j.updatedAt < updatedBefore))
        .sort((a, b) => a.id - b.id)
        .slice(0, limit),
    countJobs: async (status) => [...this.state.jobs.values()].filter((j) => j.status === status).length,
    claimCreation: async ({ runnerName, owner, at }) => {
      if (this.state.creations.has(runnerName)) return false;
      this.state.creations.set(runnerName, { runnerName, owner, state: "creating", claimedAt: at });
      return true;
    },
    finishCreation: async (runnerName, state, at) => {
      const claim = this.state.creations.get(runnerName);
      if (claim?.state !== "creating") return false;
      this.state.creations.set(runnerName, { ...claim, state, finishedAt: at });
      return true;
    },
    listCreations: async ({ state, owner } = {}) =>
      [...this.state.creations.values()]
        .filter((c) => (!state || c.state === state) && (!owner || c.owner === owner))
        .sort((a, b) => a.claimedAt.getTime() - b.claimedAt.getTime() || a.runnerName.localeCompare(b.runnerName)),
    prune: async (now, retention = {}) => {
      const { deliveriesMs, finishedMs, abandonedMs } = { ...DEFAULT_RETENTION, ...retention };
      const t = now.getTime();
      const drop = <K, V>(map: Map<K, V>, old: (v: V) => boolean) =>
        [...map].filter(([, v]) => old(v)).map(([k]) => map.delete(k)).length;
      return {
        deliveries: drop(this.state.deliveries, (at) => at < t - deliveriesMs),
        jobs: drop(this.state.jobs, (j) =>
          j.status === "completed" ? (j.completedAt?.getTime() ?? 0) < t - finishedMs : j.updatedAt.getTime() < t - abandonedMs),
        creations: drop(this.state.creations, (c) =>
          c.state === "creating" ? c.claimedAt.getTime() < t - abandonedMs : (c.finishedAt?.getTime() ?? 0) < t - finishedMs),
      };
    },
  };

  recordDelivery: DemandStoreOps["recordDelivery"] = (...a) => this.call((o) => o.recordDelivery(...a));
  hasDelivery: DemandStoreOps["hasDelivery"] = (...a) => this.call((o) => o.hasDelivery(...a));
  lastDeliveryAt: DemandStoreOps["lastDeliveryAt"] = () => this.call((o) => o.lastDeliveryAt());
  getValue: DemandStoreOps["getValue"] = (...a) => this.call((o) => o.getValue(...a));
  setValue: DemandStoreOps["setValue"] = (...a) => this.call((o) => o.setValue(...a));
  applyJobEvent: DemandStoreOps["applyJobEvent"] = (...a) => this.call((o) => o.applyJobEvent(...a));
  getJob: DemandStoreOps["getJob"] = (...a) => this.call((o) => o.getJob(...a));
  listJobs: DemandStoreOps["listJobs"] = (...a) => this.call((o) => o.listJobs(...a));
  countJobs: DemandStoreOps["countJobs"] = (...a) => this.call((o) => o.countJobs(...a));
  claimCreation: DemandStoreOps["claimCreation"] = (...a) => this.call((o) => o.claimCreation(...a));
  finishCreation: DemandStoreOps["finishCreation"] = (...a) => this.call((o) => o.finishCreation(...a));
  listCreations: DemandStoreOps["listCreations"] = (...a) => this.call((o) => o.listCreations(...a));
  prune: DemandStoreOps["prune"] = (...a) => this.call((o) => o.prune(...a));

  async transaction<T>(fn: (tx: DemandStoreOps) => Promise<T>): Promise<T> {
    if (this.failWith) throw this.failWith;
    if (this.inTransaction.getStore()) return fn(this.ops);
    const run = async () => {
      const saved = structuredClone(this.state);
      try {
        return await this.inTransaction.run(true, () => fn(this.ops));
      } catch (error) {
        this.state = saved;
        throw error;
      }
    };
    const result = this.tail.then(run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {}

  private call<T>(fn: (ops: DemandStoreOps) => Promise<T>): Promise<T> {
    return this.transaction(fn);
  }
}

/** A sink that keeps what it was told; `failWith` makes it reject. */
export class RecordingSink implements DemandSink {
  readonly events: DemandEvent[] = [];
  readonly snapshots: DemandSnapshot[] = [];
  failWith: Error | undefined;
  async event(event: DemandEvent): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.events.push(event);
  }
  async snapshot(snapshot: DemandSnapshot): Promise<void> {
    this.snapshots.push(snapshot);
  }
}

/** GitHub's hook deliveries in memory; `failList` makes listing reject (e.g. a 403). */
export class FakeHookDeliveries implements HookDeliveries {
  readonly attempts: DeliverySummary[] = [];
  readonly redelivered: number[] = [];
  readonly listedSince: Date[] = [];
  failList: Error | undefined;
  failRedeliver = new Set<number>();
  private nextId = 1;

  add(attempt: Partial<DeliverySummary> & { guid: string; deliveredAt: Date }): DeliverySummary {
    const full: DeliverySummary = { id: this.nextId++, status: "OK", statusCode: 202, event: "workflow_job", action: "queued", redelivery: false, ...attempt };
    this.attempts.push(full);
    return full;
  }

  async listDeliveries(since: Date): Promise<DeliverySummary[]> {
    this.listedSince.push(since);
    if (this.failList) throw this.failList;
    return this.attempts.filter((a) => a.deliveredAt >= since);
  }

  async redeliver(id: number): Promise<void> {
    if (this.failRedeliver.has(id)) throw new Error(`redelivery of ${id} failed`);
    this.redelivered.push(id);
  }
}

/** GitHub's job statuses in memory; unknown jobs are "gone", `failFor` makes a lookup reject. */
export class FakeJobLookup implements JobLookup {
  readonly statuses = new Map<number, RemoteJobStatus>();
  readonly lookups: number[] = [];
  failFor = new Set<number>();
  async jobStatus(_repository: string, jobId: number): Promise<RemoteJobStatus> {
    this.lookups.push(jobId);
    if (this.failFor.has(jobId)) throw new Error(`lookup of ${jobId} failed`);
    return this.statuses.get(jobId) ?? "gone";
  }
}
