import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPostgresDemandStore } from "../../src/demand/postgres-store.js";
import { dropSchemas, ensureRealPostgres, freshSchema, REAL_POSTGRES_START_TIMEOUT_MS, withClient } from "../support/real-postgres.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const childScript = fileURLToPath(new URL("../support/real-postgres.ts", import.meta.url));
let url = "";
const used: string[] = [];
/** A new schema (an empty store), dropped after the file. */
const schema = () => used[used.push(freshSchema("p")) - 1] as string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeAll(async () => {
  url = await ensureRealPostgres();
}, REAL_POSTGRES_START_TIMEOUT_MS);
afterEach(() => children.splice(0).forEach((child) => child.exitCode === null && child.kill("SIGKILL")));
afterAll(async () => {
  if (url) await dropSchemas(url, used);
});

/** A child process on the store (modes in test/support/real-postgres.ts) and the JSON facts it prints. */
function startChild(mode: string, childUrl: string, name: string, ...args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", childScript, mode, childUrl, name, ...args], { cwd: root });
  children.push(child);
  const facts: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    facts.push(JSON.parse(line) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  /** Resolves with the first fact that satisfies `test`; rejects if the child exits first. */
  const waitFor = async (test: (fact: Record<string, unknown>) => boolean) => {
    for (;;) {
      const found = facts.find(test);
      if (found) return found;
      const state = await Promise.race([new Promise<"line">((wake) => waiters.push(() => wake("line"))), exited.then(() => "exit" as const)]);
      if (state === "exit" && !facts.some(test)) throw new Error(`child ${mode} exited early: ${stderr}`);
    }
  };
  return { child, facts, waitFor, exited, stderr: () => stderr, go: () => child.stdin.write("go\n") };
}

/** Waits until no session named `app` is connected any more (the server noticed the kill). */
async function sessionsGone(app: string): Promise<void> {
  await expect
    .poll(() => withClient(url, async (c) => (await c.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [app])).rowCount), { timeout: 20_000, interval: 50 })
    .toBe(0);
}

describe("the PostgreSQL demand store shared by processes", () => {
  it("loses nothing a SIGKILLed writer had committed, and opens again afterwards", async () => {
    const name = schema();
    const writer = startChild("writer", url, name);
    await writer.waitFor((fact) => Number(fact["committed"]) >= 200);
    writer.child.kill("SIGKILL");
    await writer.exited;
    const acknowledged = writer.facts.map((fact) => Number(fact["committed"] ?? 0)).filter((id) => id > 0);
    const store = await openPostgresDemandStore({ url, schema: name });
    const stored = new Set((await store.listJobs()).map((job) => job.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(await store.applyJobEvent({ kind: "job-queued", jobId: 1_000_000, repository: "acme/app", labels: [], at: new Date(), source: "webhook" }))
      .toMatchObject({ change: "created" });
    await store.close();
  });

  it("rolls back a SIGKILLed process's open transaction and leaves its lock to the next controller", async () => {
    const name = schema();
    const app = `holder-${name}`;
    const holder = startChild("holder", `${url}?application_name=${app}`, name);
    await holder.waitFor((fact) => fact["inside"] === true);
    const waiting = await openPostgresDemandStore({ url, schema: name, busyTimeoutMs: 200 });
    await expect(waiting.transaction(async () => 1)).rejects.toMatchObject({ code: "demand_store_busy" });
    holder.child.kill("SIGKILL");
    await holder.exited;
    await sessionsGone(app);
    const advisory = await withClient(url, (c) => c.query("SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.application_name = $1", [app]));
    expect(advisory.rowCount).toBe(0);
    expect(await waiting.transaction(async (tx) => (await tx.listCreations()).map((c) => c.runnerName))).toEqual(["kept"]);
    await waiting.close();
  });

  it("never gives the same claim to two processes claiming at once, and never exceeds the budget", async () => {
    const name = schema();
    await (await openPostgresDemandStore({ url, schema: name })).close();
    const budget = 300;
    const claimers = [startChild("claimer", url, name, "a", String(budget)), startChild("claimer", url, name, "b", String(budget))];
    await Promise.all(claimers.map((c) => c.waitFor((fact) => fact["ready"] === true)));
    claimers.forEach((c) => c.go());
    const [a, b] = (await Promise.all(claimers.map((c) => c.waitFor((fact) => Array.isArray(fact["claims"]))))).map((f) => f["claims"] as string[]);
    const all = [...(a ?? []), ...(b ?? [])];
    expect(all.filter((claim) => claim.startsWith("lost:"))).toEqual([]);
    expect(new Set(all).size).toBe(budget);
    const store = await openPostgresDemandStore({ url, schema: name });
    const rows = await store.listCreations();
    expect(rows).toHaveLength(budget);
    expect(rows.filter((row) => row.owner === "a").map((row) => row.runnerName).sort()).toEqual([...(a ?? [])].sort());
    await store.close();
  });

  it("treats a delivery id as new in exactly one of two processes recording it at once", async () => {
    const name = schema();
    await (await openPostgresDemandStore({ url, schema: name })).close();
    const recorders = [startChild("deliveries", url, name, "200"), startChild("deliveries", url, name, "200")];
    await Promise.all(recorders.map((r) => r.waitFor((fact) => fact["ready"] === true)));
    recorders.forEach((r) => r.go());
    const fresh = (await Promise.all(recorders.map((r) => r.waitFor((fact) => Array.isArray(fact["fresh"]))))).flatMap((f) => f["fresh"] as string[]);
    expect(fresh).toHaveLength(200);
    expect(new Set(fresh).size).toBe(200);
  });

  it("prints a failed open without the password when a process dies of it", async () => {
    const bad = new URL(url);
    bad.password = "Sup3r-s3cret-wr0ng";
    const opener = startChild("open", bad.href, schema());
    expect(await opener.exited).not.toBe(0);
    expect(opener.stderr()).toContain("demand_store_open");
    expect(opener.stderr()).not.toContain(bad.password);
    expect(opener.stderr()).not.toContain(new URL(url).password);
  });
});
