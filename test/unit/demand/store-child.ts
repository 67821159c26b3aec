/**
 * A second process on the same store file, driven by sqlite-processes.test.ts. It prints one JSON
 * line per fact, and only after the store call that made the fact true has resolved (committed).
 *   writer <path>                   queue jobs 1, 2, 3, … until killed
 *   claimer <path> <owner> <budget> wait for "go" on stdin, then claim until `budget` claims exist
 *   deliveries <path> <count>       wait for "go", then record delivery ids d-0 … d-(count-1)
 */
import { createInterface } from "node:readline";
import { openSqliteDemandStore } from "../../../src/demand/sqlite-store.js";

const [mode, path, ...args] = process.argv.slice(2);
const store = await openSqliteDemandStore({ path: path as string, busyTimeoutMs: 20_000 });
const say = (fact: unknown) => process.stdout.write(`${JSON.stringify(fact)}\n`);
const go = () => new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()));

if (mode === "writer") {
  say({ ready: true });
  for (let id = 1; ; id++) {
    await store.applyJobEvent({ kind: "job-queued", jobId: id, repository: "acme/app", labels: ["linux"], at: new Date(), source: "webhook" });
    say({ committed: id });
  }
} else if (mode === "claimer") {
  const [owner, budget] = [args[0] as string, Number(args[1])];
  say({ ready: true });
  await go();
  const mine: string[] = [];
  for (;;) {
    // The HA step: read supply, decide, insert the claim — serialized across processes.
    const claimed = await store.transaction(async (tx) => {
      const supply = (await tx.listCreations()).length;
      if (supply >= budget) return undefined;
      const name = `ci-${supply}`;
      return (await tx.claimCreation({ runnerName: name, owner, at: new Date() })) ? name : `lost:${name}`;
    });
    if (claimed === undefined) break;
    mine.push(claimed);
    // Yield like a real controller between decisions, so the other process gets its turns.
    await new Promise((resolve) => setImmediate(resolve));
  }
  say({ claims: mine });
} else if (mode === "deliveries") {
  say({ ready: true });
  await go();
  const fresh: string[] = [];
  for (let i = 0; i < Number(args[0]); i++) if (await store.recordDelivery(`d-${i}`, new Date())) fresh.push(`d-${i}`);
  say({ fresh });
}
await store.close();
// stdin stays open for "go", so leave explicitly once the work is done.
process.exit(0);
