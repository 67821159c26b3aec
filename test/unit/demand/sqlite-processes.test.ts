import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openSqliteDemandStore } from "../../../src/demand/sqlite-store.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const childScript = fileURLToPath(new URL("./store-child.ts", import.meta.url));
// ./dev runs the tests on Node 22; fall back to its bootstrapped Node when run on an older one.
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : join(root, ".tools/node22/node_modules/node/bin/node");
const dir = mkdtempSync(join(tmpdir(), "demand-processes-"));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => children.splice(0).forEach((child) => child.exitCode === null && child.kill("SIGKILL")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store-child process and the JSON facts it prints, one per line. */
function startChild(...args: string[]) {
  const child = spawn(node, ["--disable-warning=ExperimentalWarning", "--import", "tsx", childScript, ...args], { cwd: root });
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
      if (state === "exit" && !facts.some(test)) throw new Error(`store-child ${args[0]} exited early: ${stderr}`);
    }
  };
  return { child, facts, waitFor, exited, go: () => child.stdin.write("go\n") };
}

describe("the SQLite demand store shared by processes", () => {
  it("loses nothing a SIGKILLed writer had committed, and opens again afterwards", async () => {
    const path = join(dir, "killed.db");
    const writer = startChild("writer", path);
    await writer.waitFor((fact) => Number(fact["committed"]) >= 200);
    writer.child.kill("SIGKILL");
    await writer.exited;
    const acknowledged = writer.facts.map((fact) => Number(fact["committed"] ?? 0)).filter((id) => id > 0);
    const store = await openSqliteDemandStore({ path });
    const stored = new Set((await store.listJobs()).map((job) => job.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(await store.applyJobEvent({ kind: "job-queued", jobId: 1_000_000, repository: "acme/app", labels: [], at: new Date(), source: "webhook" }))
      .toMatchObject({ change: "created" });
    await store.close();
  });

  it("never gives the same claim to two processes claiming at once, and never exceeds the budget", async () => {
    const path = join(dir, "claims.db");
    (await openSqliteDemandStore({ path })).close();
    const budget = 300;
    const claimers = [startChild("claimer", path, "a", String(budget)), startChild("claimer", path, "b", String(budget))];
    await Promise.all(claimers.map((c) => c.waitFor((fact) => fact["ready"] === true)));
    claimers.forEach((c) => c.go());
    const [a, b] = (await Promise.all(claimers.map((c) => c.waitFor((fact) => Array.isArray(fact["claims"]))))).map((f) => f["claims"] as string[]);
    const all = [...(a ?? []), ...(b ?? [])];
    expect(all.filter((name) => name.startsWith("lost:"))).toEqual([]);
    expect(new Set(all).size).toBe(budget);
    const store = await openSqliteDemandStore({ path });
    const rows = await store.listCreations();
    expect(rows).toHaveLength(budget);
    expect(rows.filter((row) => row.owner === "a").map((row) => row.runnerName).sort()).toEqual([...(a ?? [])].sort());
    await store.close();
  });

  it("treats a delivery id as new in exactly one of two processes recording it at once", async () => {
    const path = join(dir, "deliveries.db");
    (await openSqliteDemandStore({ path })).close();
    const recorders = [startChild("deliveries", path, "200"), startChild("deliveries", path, "200")];
    await Promise.all(recorders.map((r) => r.waitFor((fact) => fact["ready"] === true)));
    recorders.forEach((r) => r.go());
    const fresh = (await Promise.all(recorders.map((r) => r.waitFor((fact) => Array.isArray(fact["fresh"]))))).flatMap((f) => f["fresh"] as string[]);
    expect(fresh).toHaveLength(200);
    expect(new Set(fresh).size).toBe(200);
  });
});
