/**
 * The autoscaling loop over the manager's fakes and a real SQLite store: it creates for queued
 * jobs, claims before creating so two controllers never double, retires only idle runners past
 * the timeout, and a restart settles the claims a killed process left.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AutoscaleConfig } from "../../../src/autoscale/config.js";
import { openSqliteDemandStore, type SqliteDemandStore } from "../../../src/demand/sqlite-store.js";
import { silentLogger } from "../../../src/manager/ports.js";
import { RunnerManager } from "../../../src/manager/runner-manager.js";
import { AutoscaleController } from "../../../src/serve/controller.js";
import { fleet, NOW } from "../../fakes/fleet.js";

const dirs: string[] = [];
const stores: SqliteDemandStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function storeFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rf-controller-"));
  dirs.push(dir);
  return join(dir, "demand.sqlite");
}

async function open(path: string): Promise<SqliteDemandStore> {
  const store = await openSqliteDemandStore({ path });
  stores.push(store);
  return store;
}

const config: AutoscaleConfig = { minIdle: 1, max: 5, idleTimeoutSeconds: 300 };

function controllerOf(manager: RunnerManager, store: SqliteDemandStore, owner: string, autoscale = config): AutoscaleController {
  return new AutoscaleController({ manager, store, autoscale: () => autoscale, owner, logger: silentLogger, now: () => NOW });
}

async function queue(store: SqliteDemandStore, ...ids: number[]): Promise<void> {
  for (const jobId of ids) await store.applyJobEvent({ kind: "job-queued", jobId, repository: "acme/app", labels: ["self-hosted"], at: NOW, source: "webhook" });
}

describe("AutoscaleController", () => {
  it("creates one runner per queued job plus the idle floor, and a second cycle creates nothing more", async () => {
    const f = fleet();
    const store = await open(await storeFile());
    await queue(store, 1, 2);
    const controller = controllerOf(f.manager, store, "a");
    const first = await controller.cycleNow();
    expect(first.created).toHaveLength(3);
    expect(f.vmNames()).toEqual([...first.created].sort());
    expect((await controller.cycleNow()).created).toEqual([]);
    expect((await store.listCreations({ state: "created" })).map((c) => c.runnerName).sort()).toEqual([...first.created].sort());
  });

  it("never goes above max, however many jobs wait", async () => {
    const f = fleet();
    const store = await open(await storeFile());
    await queue(store, ...Array.from({ length: 20 }, (_, i) => i + 1));
    await controllerOf(f.manager, store, "a").cycleNow();
    expect(f.vmNames()).toHaveLength(config.max);
  });

  it("does not double creations when two controllers share the store and decide at the same time", async () => {
    const f = fleet();
    const path = await storeFile();
    const [one, two] = [await open(path), await open(path)];
    await queue(one, 1, 2, 3);
    // Two managers over the same cloud and GitHub, as two controller processes would have.
    const other = new RunnerManager(f.cloud, f.manager.config, { platform: f.platform, now: () => NOW });
    const [a, b] = await Promise.all([controllerOf(f.manager, one, "a").cycleNow(), controllerOf(other, two, "b").cycleNow()]);
    expect(a.created.length + b.created.length).toBe(4);
    expect(f.vmNames()).toHaveLength(4);
  });

  it("retires idle runners past the idle timeout down to the floor, oldest first, and never a busy one", async () => {
    const f = fleet();
    const store = await open(await storeFile());
    const oldest = f.add({ ageSeconds: 900 });
    const old = f.add({ ageSeconds: 600 });
    const young = f.add({ ageSeconds: 10 });
    const busy = f.add({ busy: true, ageSeconds: 1200 });
    const report = await controllerOf(f.manager, store, "a").cycleNow();
    expect(report.retired.sort()).toEqual([oldest.name, old.name].sort());
    expect(f.vmNames()).toEqual([young.name, busy.name].sort());
  });

  it("scales to zero with minIdle 0 and no demand", async () => {
    const f = fleet();
    const store = await open(await storeFile());
    f.add({ ageSeconds: 900 });
    f.add({ ageSeconds: 600 });
    await controllerOf(f.manager, store, "a", { ...config, minIdle: 0 }).cycleNow();
    expect(f.vmNames()).toEqual([]);
  });

  it("settles the claims a killed process left: created when the cloud lists the runner, failed otherwise", async () => {
    const f = fleet();
    const store = await open(await storeFile());
    const made = f.add();
    await store.claimCreation({ runnerName: made.name, owner: "a", at: NOW });
    await store.claimCreation({ runnerName: "ci-0000000000aa", owner: "a", at: NOW });
    await store.claimCreation({ runnerName: "ci-0000000000bb", owner: "b", at: NOW });
    expect(await controllerOf(f.manager, store, "a").recover()).toEqual({ created: 1, failed: 1 });
    // Another controller's claim is its own to settle (or expire).
    expect((await store.listCreations({ state: "creating" })).map((c) => c.runnerName)).toEqual(["ci-0000000000bb"]);
  });

  it("counts another controller's creation in flight as supply, so it is not made twice", async () => {
    const f = fleet();
    const store = await open(await storeFile());
    await queue(store, 1);
    await store.claimCreation({ runnerName: "ci-0000000000cc", owner: "b", at: NOW });
    const report = await controllerOf(f.manager, store, "a").cycleNow();
    expect(report.created).toHaveLength(1);
    expect(report.decision.reason).toContain("1 live: create 1");
  });
});
