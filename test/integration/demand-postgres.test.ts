import { execFileSync } from "node:child_process";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemandStoreError } from "../../src/demand/errors.js";
import { POSTGRES_SCHEMA_VERSION, tablesOf } from "../../src/demand/postgres-schema.js";
import { openPostgresDemandStore, type PostgresStoreOptions } from "../../src/demand/postgres-store.js";
import { dropSchemas, ensureRealPostgres, freshSchema, REAL_POSTGRES_START_TIMEOUT_MS, withClient } from "../support/real-postgres.js";
import { describeDemandStoreContract, jobEvent } from "../unit/demand/store-contract.js";

/** Ends the sessions named :app and waits until the server has let them go (a restart, minus the downtime). */
const TERMINATE_AND_WAIT = `
  SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :'app';
  SELECT set_config('rf.app', :'app', false);
  DO $$ BEGIN
    FOR i IN 1..1000 LOOP
      PERFORM pg_stat_clear_snapshot();
      EXIT WHEN NOT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = current_setting('rf.app'));
      PERFORM pg_sleep(0.01);
    END LOOP;
  END $$;
`;
let url = "";
const used: string[] = [];
/** A new schema (an empty store), dropped after the file. */
const schema = () => used[used.push(freshSchema()) - 1] as string;
/** The schema of the store opened last, to open a second store on it. */
const same = () => used.at(-1) as string;
const open = (options: Partial<PostgresStoreOptions> = {}) => openPostgresDemandStore({ url, schema: schema(), ...options });
const password = () => new URL(url).password;
beforeAll(async () => {
  url = await ensureRealPostgres();
}, REAL_POSTGRES_START_TIMEOUT_MS);
afterAll(async () => {
  if (url) await dropSchemas(url, used);
});

describeDemandStoreContract("PostgresDemandStore", () => open());

describe("PostgresDemandStore", () => {
  it("keeps deliveries, jobs, creations and values across a close and a reopen", async () => {
    const first = await open();
    await first.recordDelivery("guid-1", new Date(1000));
    await first.applyJobEvent(jobEvent("job-started", 42, 0, "ci-1"));
    await first.claimCreation({ runnerName: "ci-2", owner: "ctl-a", at: new Date(2000) });
    await first.setValue("k", "v");
    await first.close();
    const second = await openPostgresDemandStore({ url, schema: same() });
    expect(await second.hasDelivery("guid-1")).toBe(true);
    expect((await second.getJob(42))?.runnerName).toBe("ci-1");
    expect(await second.listCreations()).toEqual([{ runnerName: "ci-2", owner: "ctl-a", state: "creating", claimedAt: new Date(2000) }]);
    expect(await second.getValue("k")).toBe("v");
    await second.close();
  });

  it("keeps job ids beyond 32 bits and labels as they were sent", async () => {
    const store = await open();
    const event = { ...jobEvent("job-queued", 31_000_000_123), labels: ["self-hosted", "Linux", "gpu:a100"] };
    await store.applyJobEvent(event);
    expect(await store.getJob(31_000_000_123)).toMatchObject({ id: 31_000_000_123, labels: ["self-hosted", "Linux", "gpu:a100"] });
    await store.close();
  });

  it("lets two stores on the same schema see each other's commits", async () => {
    const a = await open();
    const b = await openPostgresDemandStore({ url, schema: same() });
    await a.applyJobEvent(jobEvent("job-queued", 5));
    await b.applyJobEvent(jobEvent("job-started", 5, 1000));
    expect((await a.getJob(5))?.status).toBe("in_progress");
    await Promise.all([a.close(), b.close()]);
  });

  it("applies each job's first event once when two pools race to create the job", async () => {
    const [a, b] = [await open(), await openPostgresDemandStore({ url, schema: same() })];
    const ids = Array.from({ length: 50 }, (_, i) => 1000 + i);
    const results = await Promise.all(ids.flatMap((id) => [a.applyJobEvent(jobEvent("job-queued", id)), b.applyJobEvent(jobEvent("job-queued", id))]));
    expect(results.filter((r) => r.change === "created")).toHaveLength(50);
    expect(await a.countJobs("queued")).toBe(50);
    await Promise.all([a.close(), b.close()]);
  });

  it("keeps working when the server ends every pooled session, as a restart does", async () => {
    const app = `ended-${used.length}`;
    const store = await openPostgresDemandStore({ url: `${url}?application_name=${app}`, schema: schema() });
    await Promise.all([store.setValue("k", "v"), store.getValue("k"), store.transaction(async (tx) => tx.getValue("k")), store.hasDelivery("g")]);
    // Synchronously, so this process cannot notice before its next call: it meets the dead connections.
    execFileSync("psql", ["-X", "-q", url, "-v", `app=${app}`, "-v", "ON_ERROR_STOP=1"], { input: TERMINATE_AND_WAIT });
    expect(await store.getValue("k")).toBe("v");
    expect(await store.claimCreation({ runnerName: "ci-1", owner: "a", at: new Date() })).toBe(true);
    expect((await store.applyJobEvent(jobEvent("job-queued", 3))).change).toBe("created");
    await store.close();
  });

  it("refuses a schema written by a newer version and says what to do", async () => {
    const store = await open();
    await store.close();
    const name = same();
    await withClient(url, (c) => c.query(`UPDATE ${tablesOf(name).meta} SET value = $1 WHERE key = 'schema_version'`, [String(POSTGRES_SCHEMA_VERSION + 1)]));
    const failure = openPostgresDemandStore({ url, schema: name });
    await expect(failure).rejects.toBeInstanceOf(DemandStoreError);
    await expect(failure).rejects.toMatchObject({ code: "demand_store_schema", message: expect.stringContaining("upgrade runner-fleet") });
  });

  it("refuses a schema name that would need quoting", async () => {
    await expect(openPostgresDemandStore({ url, schema: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({ code: "demand_store_open" });
  });

  /** A second store on the schema of `holder`, and `holder` holding the store lock until `release()`. */
  async function holdLock(busyTimeoutMs: number) {
    const holder = await open();
    const other = await openPostgresDemandStore({ url, schema: same(), busyTimeoutMs });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered = () => {};
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holding = holder.transaction(async () => {
      entered();
      await held;
    });
    await inside;
    return { holder, other, release, holding };
  }

  it("records deliveries and job events while another controller holds the store lock", async () => {
    const { holder, other, release, holding } = await holdLock(100);
    expect(await other.recordDelivery("guid-1", new Date())).toBe(true);
    expect((await other.applyJobEvent(jobEvent("job-queued", 9))).change).toBe("created");
    release();
    await holding;
    await Promise.all([holder.close(), other.close()]);
  });

  it("answers demand_store_busy when another controller holds the store lock past the busy timeout", async () => {
    const { holder, other: waiter, release, holding } = await holdLock(100);
    const error = await waiter.claimCreation({ runnerName: "ci-1", owner: "b", at: new Date() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "demand_store_busy", message: expect.stringContaining("runner_fleet@127.0.0.1:") });
    expect(inspect(error, { depth: 10 })).not.toContain(password());
    release();
    await holding;
    expect(await waiter.claimCreation({ runnerName: "ci-1", owner: "b", at: new Date() })).toBe(true);
    await Promise.all([holder.close(), waiter.close()]);
  });

  it("passes a caller's own error out of a transaction unchanged", async () => {
    const store = await open();
    const mine = new RangeError("budget exhausted: SSL connection timeout");
    await expect(store.transaction(async () => Promise.reject(mine))).rejects.toBe(mine);
    await store.close();
  });

  it("rejects calls after close with demand_store_closed", async () => {
    const store = await open();
    await store.close();
    await expect(store.getValue("k")).rejects.toMatchObject({ code: "demand_store_closed" });
    await expect(store.transaction(async () => 1)).rejects.toMatchObject({ code: "demand_store_closed" });
  });
});

describe("PostgresDemandStore errors", () => {
  const leaks = (error: unknown, secret: string) => [String(error), inspect(error, { depth: 10 }), JSON.stringify(error)].some((text) => text.includes(secret));
  const failureOf = async (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a failure"), (error: unknown) => error);

  it.each([
    ["a wrong password", { password: "Wr0ng-s3cret-PW" }, "demand_store_open", "check the user and password"],
    ["nothing listening on the port", { port: "1" }, "demand_store_open", "is the server running"],
    ["a database that does not exist", { pathname: "/no_such_db" }, "demand_store_open", "does not exist"],
    ["an unresolvable host", { hostname: "no-such-host.invalid" }, "demand_store_open", "does not resolve"],
  ] as const)("fails to open with %s, saying what to check and never showing the password", async (_name, change: Partial<URL>, code, advice) => {
    const bad = Object.assign(new URL(url), change);
    const error = await failureOf(openPostgresDemandStore({ url: bad.href, schema: schema(), connectTimeoutMs: 3000 }));
    expect(error).toMatchObject({ code, message: expect.stringContaining(advice) });
    expect(leaks(error, bad.password)).toBe(false);
    expect(leaks(error, password())).toBe(false);
  });

  it("fails on a malformed URL without echoing it", async () => {
    const error = await failureOf(openPostgresDemandStore({ url: `postgres://runner_fleet:${password()}@127.0.0.1:notaport/db`, schema: schema() }));
    expect(error).toMatchObject({ code: "demand_store_open" });
    expect(leaks(error, password())).toBe(false);
  });
});
