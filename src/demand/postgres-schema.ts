/**
 * The PostgreSQL store's schema and row mapping. One store is one PostgreSQL schema (default
 * `runner_fleet`), so fleets (and tests) can share a database; a `meta` row holds the schema
 * version so a newer layout is refused, not misread. Times are `timestamptz` (exact for a JS
 * Date's milliseconds, and readable in psql); text keys sort bytewise (`COLLATE "C"`), as SQLite's do.
 */
import { createHash } from "node:crypto";
import { DemandStoreError } from "./errors.js";
import type { JobStatus } from "./events.js";
import type { CreationRecord, CreationState, JobRecord } from "./store.js";

/** The schema version this code writes and reads. */
export const POSTGRES_SCHEMA_VERSION = 1;

/** One store's quoted, schema-qualified names and its advisory-lock key. */
export interface PostgresTables {
  schema: string;
  meta: string;
  kv: string;
  deliveries: string;
  jobs: string;
  creations: string;
  /** The key of `pg_advisory_xact_lock` that serializes this store's transactions (a bigint). */
  lockKey: string;
}

/** The names of the store in `schema`; refuses names that would need escaping. */
export function tablesOf(schema: string): PostgresTables {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new DemandStoreError("demand_store_open", `invalid demand-store schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _ (at most 63)`);
  }
  const q = (table: string) => `"${schema}"."${table}"`;
  // Advisory locks are scoped to a database, so the schema alone tells stores apart; a hash keeps
  // the key clear of other applications' small integer keys. https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
  const lockKey = createHash("sha256").update(`runner-fleet demand store\0${schema}`).digest().readBigInt64BE(0).toString();
  return { schema, meta: q("meta"), kv: q("kv"), deliveries: q("deliveries"), jobs: q("jobs"), creations: q("creations"), lockKey };
}

/** The DDL of version 1; every statement is idempotent, so a half-done setup simply reruns. */
export function schemaDdl(t: PostgresTables): string {
  return `
    CREATE SCHEMA IF NOT EXISTS "${t.schema}";
    CREATE TABLE IF NOT EXISTS ${t.meta} (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
    CREATE TABLE IF NOT EXISTS ${t.kv} (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
    CREATE TABLE IF NOT EXISTS ${t.deliveries} (guid text COLLATE "C" PRIMARY KEY, received_at timestamptz NOT NULL);
    CREATE INDEX IF NOT EXISTS deliveries_by_time ON ${t.deliveries} (received_at);
    CREATE TABLE IF NOT EXISTS ${t.jobs} (
      id bigint PRIMARY KEY,
      repository text NOT NULL,
      labels text[] NOT NULL,
      status text NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed')),
      queued_at timestamptz, started_at timestamptz, completed_at timestamptz,
      runner_name text,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX IF NOT EXISTS jobs_by_status ON ${t.jobs} (status, updated_at);
    CREATE TABLE IF NOT EXISTS ${t.creations} (
      runner_name text COLLATE "C" PRIMARY KEY,
      owner text COLLATE "C" NOT NULL,
      state text NOT NULL CHECK (state IN ('creating', 'created', 'failed')),
      claimed_at timestamptz NOT NULL,
      finished_at timestamptz
    );
    CREATE INDEX IF NOT EXISTS creations_by_state ON ${t.creations} (state, claimed_at);
    INSERT INTO ${t.meta} (key, value) VALUES ('schema_version', '${POSTGRES_SCHEMA_VERSION}') ON CONFLICT (key) DO NOTHING;
  `;
}

/** Runs one statement on a pool or a transaction's client; what the store's SQL is written against. */
export type PgRun = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;

/**
 * Creates the schema, or checks an existing one; run inside a transaction. A current schema is
 * only read, so opening neither waits for a busy controller's lock nor needs CREATE (a role can
 * use a schema an administrator made). Creating takes the store's lock first, because concurrent
 * `CREATE … IF NOT EXISTS` of one name can still collide in the catalog.
 */
export async function migrate(run: PgRun, t: PostgresTables, where: string): Promise<void> {
  for (const locked of [false, true]) {
    if (locked) await run("SELECT pg_advisory_xact_lock($1::bigint)", [t.lockKey]);
    const { rows } = await run("SELECT to_regclass($1) IS NOT NULL AS present", [t.meta]);
    if (rows[0]?.["present"] !== true) continue;
    const version = Number((await run(`SELECT value FROM ${t.meta} WHERE key = 'schema_version'`)).rows[0]?.["value"] ?? 0);
    if (version === POSTGRES_SCHEMA_VERSION) return;
    if (version > POSTGRES_SCHEMA_VERSION) {
      throw new DemandStoreError(
        "demand_store_schema",
        `${where} has demand-store schema v${version}, newer than this runner-fleet's v${POSTGRES_SCHEMA_VERSION}: upgrade runner-fleet or point --store at another schema`,
      );
    }
  }
  await run(schemaDdl(t));
}

/** A `jobs` row as pg returns it (bigint as a string, timestamptz as a Date, text[] as an array). */
export interface PgJobRow {
  id: string;
  repository: string;
  labels: string[];
  status: string;
  queued_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  runner_name: string | null;
  updated_at: Date;
}

/** A `creations` row as pg returns it. */
export interface PgCreationRow {
  runner_name: string;
  owner: string;
  state: string;
  claimed_at: Date;
  finished_at: Date | null;
}

/** A job row as a `JobRecord`; absent times and runner name stay absent. */
export function toJob(row: PgJobRow): JobRecord {
  const job: JobRecord = { id: Number(row.id), repository: row.repository, labels: row.labels, status: row.status as JobStatus, updatedAt: row.updated_at };
  if (row.queued_at) job.queuedAt = row.queued_at;
  if (row.started_at) job.startedAt = row.started_at;
  if (row.completed_at) job.completedAt = row.completed_at;
  if (row.runner_name !== null) job.runnerName = row.runner_name;
  return job;
}

/** A `JobRecord` as parameters $1…$9 in column order. */
export function jobParams(job: JobRecord): unknown[] {
  return [
    job.id, job.repository, job.labels, job.status,
    job.queuedAt ?? null, job.startedAt ?? null, job.completedAt ?? null, job.runnerName ?? null, job.updatedAt,
  ];
}

/** A creation row as a `CreationRecord`. */
export function toCreation(row: PgCreationRow): CreationRecord {
  const record: CreationRecord = { runnerName: row.runner_name, owner: row.owner, state: row.state as CreationState, claimedAt: row.claimed_at };
  if (row.finished_at) record.finishedAt = row.finished_at;
  return record;
}
