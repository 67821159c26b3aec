/**
 * The store's operations as SQL on PostgreSQL. De-duplication is the database's: unique keys with
 * `INSERT … ON CONFLICT DO NOTHING RETURNING`, so two controllers recording one delivery or
 * claiming one runner name get one "yes" between them whatever the timing.
 */
import { DemandStoreError } from "./errors.js";
import { advanceJob } from "./job-state.js";
import { type PgCreationRow, type PgJobRow, type PgRun, type PostgresTables, jobParams, toCreation, toJob } from "./postgres-schema.js";
import { LAST_DELIVERY_KEY } from "./sqlite-ops.js";
import { DEFAULT_RETENTION, type DemandStoreOps } from "./store.js";

/**
 * How the store runs each operation outside `transaction`: `statement` on the pool (one statement
 * is atomic by itself), `row-locked` in a plain transaction (it reads then writes one job row), and
 * `store-locked` under the store's advisory lock, because those writes change the supply that
 * "read supply, decide, insert claims" transactions count, and must not slip in between.
 */
export const OP_LOCKING: Record<keyof DemandStoreOps, "statement" | "row-locked" | "store-locked"> = {
  recordDelivery: "statement", hasDelivery: "statement", lastDeliveryAt: "statement", getValue: "statement",
  setValue: "statement", getJob: "statement", listJobs: "statement", countJobs: "statement", listCreations: "statement",
  applyJobEvent: "row-locked",
  claimCreation: "store-locked", finishCreation: "store-locked", prune: "store-locked",
};

/** Builds the operations of the store `t` over `run`; `applyJobEvent` expects an open transaction. */
export function createPostgresOps(run: PgRun, t: PostgresTables): DemandStoreOps {
  const count = async (text: string, values: unknown[]) => (await run(text, values)).rowCount ?? 0;
  const jobRows = async (text: string, values: unknown[]) => ((await run(text, values)).rows as unknown as PgJobRow[]).map(toJob);

  const ops: DemandStoreOps = {
    async recordDelivery(guid, receivedAt) {
      // No shared watermark row here: one that every delivery updates would queue all deliveries
      // behind each other's commits. The latest time is max(received_at); prune keeps it in kv.
      // A duplicate still moves its row's time forward, as the SQLite store's watermark does.
      const { rows } = await run(
        `WITH added AS (INSERT INTO ${t.deliveries} (guid, received_at) VALUES ($1, $2) ON CONFLICT (guid) DO NOTHING RETURNING 1),
         bumped AS (UPDATE ${t.deliveries} SET received_at = $2 WHERE guid = $1 AND received_at < $2 AND NOT EXISTS (SELECT FROM added))
         SELECT count(*)::int AS n FROM added`,
        [guid, receivedAt],
      );
      return rows[0]?.["n"] === 1;
    },
    async hasDelivery(guid) {
      return (await count(`SELECT 1 FROM ${t.deliveries} WHERE guid = $1`, [guid])) > 0;
    },
    async lastDeliveryAt() {
      const { rows } = await run(
        `SELECT (SELECT max(received_at) FROM ${t.deliveries}) AS newest, (SELECT value FROM ${t.kv} WHERE key = $1) AS pruned`,
        [LAST_DELIVERY_KEY],
      );
      const { newest, pruned } = rows[0] ?? {};
      const latest = Math.max(newest instanceof Date ? newest.getTime() : -Infinity, typeof pruned === "string" ? Number(pruned) : -Infinity);
      return Number.isFinite(latest) ? new Date(latest) : undefined;
    },
    async getValue(key) {
      const { rows } = await run(`SELECT value FROM ${t.kv} WHERE key = $1`, [key]);
      return rows[0]?.["value"] as string | undefined;
    },
    async setValue(key, value) {
      await run(`INSERT INTO ${t.kv} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [key, value]);
    },
    async applyJobEvent(event) {
      // Read-modify-write with the row locked, so the forward-only rule of job-state.ts is the only
      // rule there is. A job first seen by two controllers at once: the loser's INSERT waits for
      // the winner's commit, inserts nothing, and the event is applied again on the winner's row.
      for (let attempt = 1; ; attempt++) {
        const [existing] = await jobRows(`SELECT * FROM ${t.jobs} WHERE id = $1 FOR UPDATE`, [event.jobId]);
        const result = advanceJob(existing, event);
        if (result.job === existing) return result;
        const [id, , , ...changed] = jobParams(result.job);
        if (existing) {
          await run(
            `UPDATE ${t.jobs} SET status = $2, queued_at = $3, started_at = $4, completed_at = $5, runner_name = $6, updated_at = $7 WHERE id = $1`,
            [id, ...changed],
          );
          return result;
        }
        const inserted = await count(
          `INSERT INTO ${t.jobs} (id, repository, labels, status, queued_at, started_at, completed_at, runner_name, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
          jobParams(result.job),
        );
        if (inserted > 0) return result;
        // Only a prune deleting the winner's row between our two statements gets here twice.
        if (attempt === 3) throw new DemandStoreError("demand_store_busy", `job ${event.jobId} kept changing under ${t.jobs}: try again`);
      }
    },
    async getJob(id) {
      return (await jobRows(`SELECT * FROM ${t.jobs} WHERE id = $1`, [id]))[0];
    },
    async listJobs({ status, afterId = 0, updatedBefore, limit } = {}) {
      // LIMIT NULL is LIMIT ALL. https://www.postgresql.org/docs/current/queries-limit.html
      return jobRows(
        `SELECT * FROM ${t.jobs} WHERE ($1::text IS NULL OR status = $1) AND id > $2 AND ($3::timestamptz IS NULL OR updated_at < $3)
         ORDER BY id LIMIT $4`,
        [status ?? null, afterId, updatedBefore ?? null, limit ?? null],
      );
    },
    async countJobs(status) {
      const { rows } = await run(`SELECT count(*)::int AS n FROM ${t.jobs} WHERE status = $1`, [status]);
      return Number(rows[0]?.["n"] ?? 0);
    },
    async claimCreation({ runnerName, owner, at }) {
      const sql = `INSERT INTO ${t.creations} (runner_name, owner, state, claimed_at) VALUES ($1, $2, 'creating', $3) ON CONFLICT DO NOTHING`;
      return (await count(sql, [runnerName, owner, at])) > 0;
    },
    async finishCreation(runnerName, state, at) {
      const sql = `UPDATE ${t.creations} SET state = $1, finished_at = $2 WHERE runner_name = $3 AND state = 'creating'`;
      return (await count(sql, [state, at, runnerName])) > 0;
    },
    async listCreations(filter = {}) {
      const { rows } = await run(
        `SELECT * FROM ${t.creations} WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR owner = $2) ORDER BY claimed_at, runner_name`,
        [filter.state ?? null, filter.owner ?? null],
      );
      return (rows as unknown as PgCreationRow[]).map(toCreation);
    },
    async prune(now, retention = {}) {
      const { deliveriesMs, finishedMs, abandonedMs } = { ...DEFAULT_RETENTION, ...retention };
      const [finished, abandoned] = [new Date(now.getTime() - finishedMs), new Date(now.getTime() - abandonedMs)];
      return {
        deliveries: Number((await run(
          // The latest time of what goes moves into kv, so lastDeliveryAt survives the prune.
          `WITH gone AS (DELETE FROM ${t.deliveries} WHERE received_at < $1 RETURNING received_at),
           kept AS (INSERT INTO ${t.kv} AS kv (key, value)
                    SELECT $2, floor(extract(epoch FROM max(received_at)) * 1000)::bigint::text FROM gone HAVING count(*) > 0
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE excluded.value::bigint > kv.value::bigint)
           SELECT count(*)::int AS n FROM gone`,
          [new Date(now.getTime() - deliveriesMs), LAST_DELIVERY_KEY],
        )).rows[0]?.["n"] ?? 0),
        jobs: await count(
          `DELETE FROM ${t.jobs} WHERE (status = 'completed' AND completed_at < $1) OR (status <> 'completed' AND updated_at < $2)`,
          [finished, abandoned],
        ),
        creations: await count(
          `DELETE FROM ${t.creations} WHERE (state <> 'creating' AND finished_at < $1) OR (state = 'creating' AND claimed_at < $2)`,
          [finished, abandoned],
        ),
      };
    },
  };
  return ops;
}
