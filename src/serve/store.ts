/** The demand store a `serve.store` setting names: a SQLite file path (the default) or a postgres:// URL. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { DemandStore } from "../demand/store.js";

/** Whether `store` names a PostgreSQL database rather than a file. */
export const isPostgresUrl = (store: string): boolean => /^postgres(ql)?:\/\//i.test(store);

/** Opens fleet `prefix`'s store; the SQLite file's folder is created if needed, a PostgreSQL schema is the fleet's own. */
export async function openStore(store: string, prefix: string): Promise<DemandStore> {
  if (isPostgresUrl(store)) {
    const { openPostgresDemandStore } = await import("../demand/postgres-store.js");
    // One schema per fleet, so fleets sharing a database never count each other's jobs or claims.
    return openPostgresDemandStore({ url: store, schema: `runner_fleet_${prefix.replaceAll("-", "_")}` });
  }
  await mkdir(dirname(store), { recursive: true });
  const { openSqliteDemandStore } = await import("../demand/sqlite-store.js");
  return openSqliteDemandStore({ path: store });
}
