import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { openSqliteDemandStore } from "../../../src/demand/sqlite-store.js";
import { MemoryDemandStore } from "./fakes.js";
import { describeDemandStoreContract } from "./store-contract.js";

const dir = mkdtempSync(join(tmpdir(), "demand-contract-"));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeDemandStoreContract("SqliteDemandStore", () => openSqliteDemandStore({ path: join(dir, `store-${n++}.db`) }));
describeDemandStoreContract("MemoryDemandStore (test fake)", async () => new MemoryDemandStore());
