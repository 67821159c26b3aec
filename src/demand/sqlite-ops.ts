/**
 * The store's operations as prepared SQLite statements on one connection. They assume the caller
 * (`SqliteDemandStore`) has serialized them and, for writes, opened BEGIN IMMEDIATE.
 */
import type { DatabaseSync } from "node:sqlite";
import { advanceJob } from "./job-state.js";
import { type CreationRow, type JobRow, jobParams, toCreation, toJob } from "./sqlite-schema.js";
import { DEFAULT_RETENTION, type DemandStoreOps } from "./store.js";

/** The key/value key under which the latest delivery time is kept (it outlives pruning). */
export const LAST_DELIVERY_KEY = "webhook.last-delivery-at";

/** Operations that write, and so need BEGIN IMMEDIATE when called outside a transaction. */
export const WRITE_OPS = new Set<keyof DemandStoreOps>([
  "recordDelivery", "setValue", "applyJobEvent", "claimCreation", "finishCreation", "prune",
]);

/** Builds the operations over `db`, preparing every statement once. */
export function createSqliteOps(db: DatabaseSync): DemandStoreOps {
  const sql = (text: string) => db.prepare(text);
  const s = {
    insertDelivery: sql("INSERT INTO deliveries (guid, received_at) VALUES (?, ?) ON CONFLICT (guid) DO NOTHING"),
    hasDelivery: sql("SELECT 1 AS found FROM deliveries WHERE guid = ?"),
    getValue: sql("SELECT value FROM kv WHERE key = ?"),
    setValue: sql("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    // Only ever moves the watermark forward, whatever order deliveries arrive in.
    raiseLastDelivery: sql(
      `INSERT INTO kv (key, value) VALUES ('${LAST_DELIVERY_KEY}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
       WHERE CAST(excluded.value AS INTEGER) > CAST(kv.value AS INTEGER)`,
    ),
    getJob: sql("SELECT * FROM jobs WHERE id = ?"),
    upsertJob: sql(
      `INSERT INTO jobs (id, repository, labels, status, queued_at, started_at, completed_at, runner_name, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status,
       queued_at = excluded.queued_at, started_at = excluded.started_at, completed_at = excluded.completed_at,
       runner_name = excluded.runner_name, updated_at = excluded.updated_at`,
    ),
    listJobs: sql(
      `SELECT * FROM jobs WHERE (?1 IS NULL OR status = ?1) AND id > ?2 AND (?3 IS NULL OR updated_at < ?3)
       ORDER BY id LIMIT ?4`,
    ),
    countJobs: sql("SELECT count(*) AS n FROM jobs WHERE status = ?"),
    claim: sql("INSERT INTO creations (runner_name, owner, state, claimed_at) VALUES (?, ?, 'creating', ?) ON CONFLICT DO NOTHING"),
    finish: sql("UPDATE creations SET state = ?, finished_at = ? WHERE runner_name = ? AND state = 'creating'"),
    listCreations: sql(
      "SELECT * FROM creations WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR owner = ?2) ORDER BY claimed_at, runner_name",
    ),
    pruneDeliveries: sql("DELETE FROM deliveries WHERE received_at < ?"),
    pruneJobs: sql(
      "DELETE FROM jobs WHERE (status = 'completed' AND completed_at < ?1) OR (status != 'completed' AND updated_at < ?2)",
    ),
    pruneCreations: sql(
      "DELETE FROM creations WHERE (state != 'creating' AND finished_at < ?1) OR (state = 'creating' AND claimed_at < ?2)",
    ),
  };
  const jobById = (id: number) => {
    const row = s.getJob.get(id) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  };
  const changes = (result: { changes: number | bigint }) => Number(result.changes);

  return {
    async recordDelivery(guid, receivedAt) {
      const added = changes(s.insertDelivery.run(guid, receivedAt.getTime())) > 0;
      s.raiseLastDelivery.run(String(receivedAt.getTime()));
      return added;
    },
    async hasDelivery(guid) {
      return s.hasDelivery.get(guid) !== undefined;
    },
    async lastDeliveryAt() {
      const row = s.getValue.get(LAST_DELIVERY_KEY) as { value: string } | undefined;
      return row ? new Date(Number(row.value)) : undefined;
    },
    async getValue(key) {
      return (s.getValue.get(key) as { value: string } | undefined)?.value;
    },
    async setValue(key, value) {
      s.setValue.run(key, value);
    },
    async applyJobEvent(event) {
      const existing = jobById(event.jobId);
      const result = advanceJob(existing, event);
      if (result.job !== existing) s.upsertJob.run(...jobParams(result.job));
      return result;
    },
    async getJob(id) {
      return jobById(id);
    },
    async listJobs({ status, afterId = 0, updatedBefore, limit = -1 } = {}) {
      const rows = s.listJobs.all(status ?? null, afterId, updatedBefore?.getTime() ?? null, limit);
      return (rows as unknown as JobRow[]).map(toJob);
    },
    async countJobs(status) {
      return Number((s.countJobs.get(status) as { n: number }).n);
    },
    async claimCreation({ runnerName, owner, at }) {
      return changes(s.claim.run(runnerName, owner, at.getTime())) > 0;
    },
    async finishCreation(runnerName, state, at) {
      return changes(s.finish.run(state, at.getTime(), runnerName)) > 0;
    },
    async listCreations(filter = {}) {
      return (s.listCreations.all(filter.state ?? null, filter.owner ?? null) as unknown as CreationRow[]).map(toCreation);
    },
    async prune(now, retention = {}) {
      const { deliveriesMs, finishedMs, abandonedMs } = { ...DEFAULT_RETENTION, ...retention };
      const t = now.getTime();
      return {
        deliveries: changes(s.pruneDeliveries.run(t - deliveriesMs)),
        jobs: changes(s.pruneJobs.run(t - finishedMs, t - abandonedMs)),
        creations: changes(s.pruneCreations.run(t - finishedMs, t - abandonedMs)),
      };
    },
  };
}
