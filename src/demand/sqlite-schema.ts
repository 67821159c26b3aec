/**
 * The SQLite file's schema and row mapping. Times are integer milliseconds since the epoch;
 * `PRAGMA user_version` holds the schema version so a newer file is refused, not misread.
 */
import type { DatabaseSync } from "node:sqlite";
import { DemandStoreError } from "./errors.js";
import type { JobStatus } from "./events.js";
import type { CreationRecord, CreationState, JobRecord } from "./store.js";

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
  CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE deliveries (guid TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX deliveries_by_time ON deliveries (received_at);
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    repository TEXT NOT NULL,
    labels TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed')),
    queued_at INTEGER, started_at INTEGER, completed_at INTEGER,
    runner_name TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_by_status ON jobs (status, updated_at);
  CREATE TABLE creations (
    runner_name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('creating', 'created', 'failed')),
    claimed_at INTEGER NOT NULL,
    finished_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX creations_by_state ON creations (state, claimed_at);
`;

/** Creates the schema in an empty file, or checks an existing one; run inside BEGIN IMMEDIATE. */
export function migrate(db: DatabaseSync, path: string): void {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number } | undefined;
  const version = Number(row?.user_version ?? 0);
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new DemandStoreError(
      "demand_store_schema",
      `${path} has demand-store schema v${version}, newer than this runner-fleet's v${SCHEMA_VERSION}: upgrade runner-fleet or point --store at another file`,
    );
  }
  db.exec(SCHEMA_V1);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
}

/** A `jobs` row as SQLite returns it. */
export interface JobRow {
  id: number;
  repository: string;
  labels: string;
  status: string;
  queued_at: number | null;
  started_at: number | null;
  completed_at: number | null;
  runner_name: string | null;
  updated_at: number;
}

/** A `creations` row as SQLite returns it. */
export interface CreationRow {
  runner_name: string;
  owner: string;
  state: string;
  claimed_at: number;
  finished_at: number | null;
}

/** A job row as a `JobRecord`; absent times and runner name stay absent. */
export function toJob(row: JobRow): JobRecord {
  const job: JobRecord = {
    id: Number(row.id),
    repository: row.repository,
    labels: JSON.parse(row.labels) as string[],
    status: row.status as JobStatus,
    updatedAt: new Date(Number(row.updated_at)),
  };
  if (row.queued_at !== null) job.queuedAt = new Date(Number(row.queued_at));
  if (row.started_at !== null) job.startedAt = new Date(Number(row.started_at));
  if (row.completed_at !== null) job.completedAt = new Date(Number(row.completed_at));
  if (row.runner_name !== null) job.runnerName = row.runner_name;
  return job;
}

/** A `JobRecord` as the parameters of the upsert statement, in column order. */
export function jobParams(job: JobRecord): (string | number | null)[] {
  const ms = (d: Date | undefined) => (d ? d.getTime() : null);
  return [
    job.id, job.repository, JSON.stringify(job.labels), job.status,
    ms(job.queuedAt), ms(job.startedAt), ms(job.completedAt), job.runnerName ?? null, job.updatedAt.getTime(),
  ];
}

/** A creation row as a `CreationRecord`. */
export function toCreation(row: CreationRow): CreationRecord {
  const record: CreationRecord = {
    runnerName: row.runner_name,
    owner: row.owner,
    state: row.state as CreationState,
    claimedAt: new Date(Number(row.claimed_at)),
  };
  if (row.finished_at !== null) record.finishedAt = new Date(Number(row.finished_at));
  return record;
}
