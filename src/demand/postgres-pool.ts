/**
 * The pg connection pool of a PostgreSQL store and the one way it runs a transaction: BEGIN, the
 * store's advisory lock when asked, the work, COMMIT; ROLLBACK on any error.
 */
import type { Pool, PoolClient } from "pg";
import { DemandStoreError } from "./errors.js";
import { isConnectionBroken, type Limits, loadPg } from "./postgres-errors.js";
import type { PgRun } from "./postgres-schema.js";

/** Turns what a pg call threw into a `DemandStoreError` (bound to one store's target and limits). */
export type Translate = (error: unknown) => DemandStoreError;

/** Creates the pool; connections are made on first use, so a wrong URL fails at the first query. */
export async function createPool(url: string, limits: Limits): Promise<Pool> {
  const pg = await loadPg();
  const { poolSize, connectTimeoutMs, statementTimeoutMs, busyTimeoutMs } = limits;
  const pool = new pg.Pool({
    connectionString: url, max: poolSize, connectionTimeoutMillis: connectTimeoutMs, application_name: "runner-fleet",
    statement_timeout: statementTimeoutMs, lock_timeout: busyTimeoutMs,
    // A controller that hangs (or loses its network) inside a transaction must not hold the lock forever.
    idle_in_transaction_session_timeout: statementTimeoutMs,
    // The client-side bound for a server that stops answering at all; the server's own limits come first.
    query_timeout: statementTimeoutMs + busyTimeoutMs + 1000, keepAlive: true,
  });
  // An idle connection the server drops is removed by the pool and replaced on the next call;
  // without a listener the 'error' event would end the process.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * `db.query` with every failure translated: the SQL the store's operations are written against.
 * On the pool, a statement that met a session the server had ended runs again on a fresh
 * connection, up to `retries` times: after a server restart every idle pooled connection is dead.
 */
export function runnerOf(db: Pool | PoolClient, translate: Translate, retries = 0): PgRun {
  return async (text, values) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.query(text, values);
      } catch (error) {
        if (attempt >= retries || !isSessionEnded(error)) throw translate(error);
      }
    }
  };
}

/**
 * Runs `fn` in a READ COMMITTED transaction on one pooled connection, holding
 * `pg_advisory_xact_lock(lockKey)` first when a key is given. Errors of `fn` itself pass unchanged.
 */
export async function inTransaction<T>(pool: Pool, lockKey: string | undefined, translate: Translate, fn: (run: PgRun) => Promise<T>, retries = 0): Promise<T> {
  const client = await begin(pool, lockKey, translate, retries);
  const run = runnerOf(client, translate);
  let broken: Error | undefined;
  try {
    const value = await fn(run);
    await run("COMMIT");
    return value;
  } catch (error) {
    if (isConnectionBroken(error)) broken = error as Error;
    else await run("ROLLBACK").catch((rollback: unknown) => (broken = rollback as Error));
    throw error;
  } finally {
    // A broken connection is destroyed rather than pooled: it may still be inside the transaction.
    client.release(broken);
  }
}

// --- internal ---

/** A pooled connection inside BEGIN (and the lock); a dead idle connection is replaced, nothing having run on it. */
async function begin(pool: Pool, lockKey: string | undefined, translate: Translate, retries: number): Promise<PoolClient> {
  // One round trip for both: the key is our own decimal bigint (tablesOf), never caller input.
  const sql = `BEGIN ISOLATION LEVEL READ COMMITTED${lockKey === undefined ? "" : `; SELECT pg_advisory_xact_lock(${BigInt(lockKey)})`}`;
  for (let attempt = 0; ; attempt++) {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw translate(error);
    }
    try {
      await client.query(sql);
      return client;
    } catch (error) {
      const ended = isSessionEnded(error);
      if (ended) client.release(error as Error);
      else await client.query("ROLLBACK").then(() => client.release(), (rollback: Error) => client.release(rollback));
      if (!ended || attempt >= retries) throw translate(error);
    }
  }
}

/** The server ended the session (shutdown, restart, pg_terminate_backend), so nothing sent on it committed. */
function isSessionEnded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "57P01" || code === "57P02";
}
