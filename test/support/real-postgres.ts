/**
 * The real PostgreSQL of scripts/postgres/ for the PostgreSQL demand store's tests, a fresh schema
 * per test, and (run as a script) a second process on the same store.
 *
 * `ensureRealPostgres()` runs scripts/postgres/start.sh, which installs Debian's postgresql when
 * no server is found and starts a scratch cluster on 127.0.0.1:55432, or only prints the URL of
 * the running one. Its failure fails the test: never a skip, never a mock.
 *
 * As a script (`node --import tsx test/support/real-postgres.ts <mode> <url> <schema> …`) it prints
 * one JSON fact per line, each only after the store call that made it true has resolved:
 *   writer                    queue jobs 1, 2, 3, … until killed
 *   claimer <owner> <budget>  wait for "go" on stdin, then claim until `budget` claims exist
 *   deliveries <count>        wait for "go", then record delivery ids d-0 … d-(count-1)
 *   holder                    commit claim "kept", then hold a transaction with claim "unsaved" open
 *   open                      open the store and close it (a failure goes to stderr, as Node prints it)
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openPostgresDemandStore } from "../../src/demand/postgres-store.js";
import { repoRoot } from "./pulumi-engine.js";

/** start.sh on a fresh machine: apt plus initdb (about a minute); warm it answers in well under a second. */
export const REAL_POSTGRES_START_TIMEOUT_MS = 10 * 60_000;

let started: Promise<string> | undefined;

/** Starts the cluster (or finds it running) and resolves with its URL. Memoized per test worker. */
export function ensureRealPostgres(): Promise<string> {
  started ??= startCluster().catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}

let schemas = 0;
/** A schema name no other test, file or run uses, so every test starts from an empty store. */
export function freshSchema(prefix = "t"): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
}

/** Drops the given schemas and everything in them. */
export async function dropSchemas(url: string, names: string[]): Promise<void> {
  await withClient(url, async (client) => {
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  });
}

/** Runs `fn` on one plain pg client of `url`: the raw view the tests check the store against. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function startCluster(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["scripts/postgres/start.sh"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      process.stderr.write(chunk); // progress of a cold install, as it comes
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const url = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && url.startsWith("postgres://")) resolve(url);
      else reject(new Error(`scripts/postgres/start.sh failed (exit ${code}):\n${stderr.slice(-4000)}`));
    });
  });
}

// --- the child process ---

async function runChild([mode, url, schema, ...args]: string[]): Promise<void> {
  const store = await openPostgresDemandStore({ url: url as string, schema: schema as string, busyTimeoutMs: 20_000 });
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
    }
    say({ claims: mine });
  } else if (mode === "deliveries") {
    say({ ready: true });
    await go();
    const fresh: string[] = [];
    for (let i = 0; i < Number(args[0]); i++) if (await store.recordDelivery(`d-${i}`, new Date())) fresh.push(`d-${i}`);
    say({ fresh });
  } else if (mode === "holder") {
    await store.claimCreation({ runnerName: "kept", owner: "holder", at: new Date() });
    await store.transaction(async (tx) => {
      await tx.claimCreation({ runnerName: "unsaved", owner: "holder", at: new Date() });
      say({ inside: true });
      await new Promise(() => undefined); // until SIGKILL
    });
  }
  await store.close();
  // stdin stays open for "go", so leave explicitly once the work is done.
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runChild(process.argv.slice(2));
