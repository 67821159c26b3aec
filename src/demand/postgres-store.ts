/**
 * The demand store on PostgreSQL, for controllers on several machines (SPEC §9 "Durability").
 * `transaction` takes `pg_advisory_xact_lock(<key of this store's schema>)` first: "read supply,
 * decide, insert claims" reads a count and inserts rows that do not exist yet, which no row lock
 * (`FOR UPDATE`, `SKIP LOCKED`) can cover, and SERIALIZABLE would abort one side and need `fn`
 * retried. The advisory lock queues the transactions instead; the server drops it at commit,
 * rollback or the end of the session, so a controller killed mid-transaction leaves none held.
 * READ COMMITTED, because each statement must see every claim committed before the lock was ours.
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool } from "pg";
import { DemandStoreError } from "./errors.js";
import { describeTarget, type PostgresTarget, translatePgError } from "./postgres-errors.js";
import { createPostgresOps, OP_LOCKING } from "./postgres-ops.js";
import { createPool, inTransaction, runnerOf, type Translate } from "./postgres-pool.js";
import { migrate, type PgRun, type PostgresTables, tablesOf } from "./postgres-schema.js";
import type { DemandStore, DemandStoreOps } from "./store.js";
import { ForwardingDemandStore } from "./store-forwarding.js";

/** Options of `openPostgresDemandStore`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style query parameters such as `sslmode` work). */
  url: string;
  /** The PostgreSQL schema holding this store's tables, one per fleet (default `runner_fleet`). */
  schema?: string;
  /** Connections this controller keeps open at most (default 4). */
  poolSize?: number;
  /** Server-side limit on one statement and on idling inside a transaction (default 10 s). */
  statementTimeoutMs?: number;
  /** How long a transaction waits for another controller's lock before `demand_store_busy` (default 5 s). */
  busyTimeoutMs?: number;
  /** How long connecting, or waiting for a free pooled connection, may take (default 5 s). */
  connectTimeoutMs?: number;
}

/** Connects, creates or checks the schema, and returns the store; failures say what to check. */
export function openPostgresDemandStore(options: PostgresStoreOptions): Promise<PostgresDemandStore> {
  return PostgresDemandStore.open(options);
}

/** `DemandStore` over a pg connection pool; create it with `openPostgresDemandStore`. */
export class PostgresDemandStore extends ForwardingDemandStore {
  private readonly inTransaction = new AsyncLocalStorage<DemandStoreOps>();
  private readonly poolOps: DemandStoreOps;
  private readonly inFlight = new Set<Promise<unknown>>();
  private lockTail: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Where the store points, without the password: `user@host:port/db schema S`. */
  readonly where: string;

  private constructor(
    private readonly pool: Pool,
    private readonly tables: PostgresTables,
    target: PostgresTarget,
    private readonly translate: Translate,
    /** How many dead pooled connections a call may meet before it fails: all of them. */
    private readonly retries: number,
  ) {
    super();
    this.where = target.where;
    this.poolOps = createPostgresOps(runnerOf(pool, translate, retries), tables);
  }

  /** Opens the pool and creates or checks the schema (see `openPostgresDemandStore`). */
  static async open(options: PostgresStoreOptions): Promise<PostgresDemandStore> {
    const { url, schema = "runner_fleet", poolSize = 4, statementTimeoutMs = 10_000, busyTimeoutMs = 5000, connectTimeoutMs = 5000 } = options;
    const tables = tablesOf(schema);
    const target = describeTarget(url, schema);
    const limits = { busyTimeoutMs, statementTimeoutMs, connectTimeoutMs, poolSize };
    const pool = await createPool(url, limits);
    const store = new PostgresDemandStore(pool, tables, target, (error) => translatePgError(error, target, limits), poolSize);
    try {
      await store.withClient(false, (run) => migrate(run, tables, target.where));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }


  /** Runs `fn` in one transaction holding the store's advisory lock; store calls inside `fn` join it. */
  transaction<T>(fn: (tx: DemandStoreOps) => Promise<T>): Promise<T> {
    const joined = this.inTransaction.getStore();
    if (joined) return fn(joined);
    if (this.closed) return Promise.reject(this.closedError());
    return this.track(this.withClient(true, (_run, ops) => fn(ops)));
  }

  /** Waits for in-flight calls, then closes every connection; later calls throw `demand_store_closed`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.pool.end();
  }

  // --- internal ---

  protected call<T>(name: keyof DemandStoreOps, fn: (ops: DemandStoreOps) => Promise<T>): Promise<T> {
    const joined = this.inTransaction.getStore();
    if (joined) return fn(joined);
    if (this.closed) return Promise.reject(this.closedError());
    const locking = OP_LOCKING[name];
    if (locking === "statement") return this.track(fn(this.poolOps));
    return this.track(this.withClient(locking === "store-locked", (_run, ops) => fn(ops)));
  }

  /** `fn` in a transaction; lock transactions of this process queue first, so at most one pooled connection waits on the server's lock. */
  private withClient<T>(lock: boolean, fn: (run: PgRun, ops: DemandStoreOps) => Promise<T>): Promise<T> {
    const work = () =>
      inTransaction(this.pool, lock ? this.tables.lockKey : undefined, this.translate, (run) => {
        const ops = createPostgresOps(run, this.tables);
        return this.inTransaction.run(ops, () => fn(run, ops));
      }, this.retries);
    if (!lock) return work();
    const turn = this.lockTail.then(work);
    this.lockTail = turn.catch(() => undefined);
    return turn;
  }

  private closedError(): DemandStoreError {
    return new DemandStoreError("demand_store_closed", `the PostgreSQL demand store ${this.where} is closed`);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }
}
