/** The demand store a `serve.store` setting names: a SQLite file path (the default) or a postgres:// URL. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { DemandStore } from "../demand/store.js";

/** Whether `store` names a PostgreSQL database rather than a file. */
export const isPostgresUrl = (store: string): boolean => /^postgres(ql)?:\/\//i.test(store);

/** Opens the store; the SQLite file's folder is created if needed. */
export async function openStore(store: string): Promise<DemandStore> {
  if (isPostgresUrl(store)) {
    const { openPostgresDemandStore } = await import("../demand/postgres-store.js");
    return openPostgresDemandStore({ url: store });
  }
  await mkdir(dirname(store), { recursive: true });
  const { openSqliteDemandStore } = await import("../demand/sqlite-store.js");
  return openSqliteDemandStore({ path: store });
}
