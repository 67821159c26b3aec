import { beforeEach, describe, expect, it } from "vitest";
import { GitHubApiError, GitHubAuthError } from "../../../src/manager/errors.js";
import { RECOVERED_THROUGH_KEY, recoverMissedDeliveries } from "../../../src/demand/recovery.js";
import { FakeHookDeliveries, MemoryDemandStore } from "./fakes.js";

const MIN = 60 * 1000;
const DAY = 24 * 60 * MIN;
const NOW = new Date("2026-12-03T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe("recoverMissedDeliveries", () => {
  let store: MemoryDemandStore;
  let hook: FakeHookDeliveries;
  const recover = (extra: { maxRedeliveries?: number; since?: Date } = {}) =>
    recoverMissedDeliveries({ deliveries: hook, store, now: () => NOW, ...extra });
  beforeEach(() => {
    store = new MemoryDemandStore();
    hook = new FakeHookDeliveries();
  });

  it("redelivers, oldest first, the failed deliveries the store never received", async () => {
    const later = hook.add({ guid: "b", deliveredAt: ago(10 * MIN), status: "Couldn't connect to server", statusCode: 0 });
    const earlier = hook.add({ guid: "a", deliveredAt: ago(20 * MIN), status: "Timed out", statusCode: 0 });
    hook.add({ guid: "c", deliveredAt: ago(5 * MIN) });
    const result = await recover();
    expect(hook.redelivered).toEqual([earlier.id, later.id]);
    expect(result).toMatchObject({ status: "done", listed: 3, missed: 2, redelivered: 2, failed: 0, deferred: 0 });
  });

  it.each([
    ["the store already recorded (GitHub timed out but the event was kept)", () => store.recordDelivery("x", ago(MIN))],
    ["a later attempt of which succeeded", () => void hook.add({ guid: "x", deliveredAt: ago(MIN), redelivery: true })],
    ["are not workflow_job events", () => void (hook.attempts[0]!.event = "push")],
  ])("leaves alone failed deliveries that %s", async (_name, arrange) => {
    hook.add({ guid: "x", deliveredAt: ago(2 * MIN), status: "Timed out", statusCode: 0 });
    await arrange();
    await recover();
    expect(hook.redelivered).toEqual([]);
  });

  it("redelivers only the latest failed attempt of a delivery", async () => {
    hook.add({ guid: "x", deliveredAt: ago(9 * MIN), status: "Timed out" });
    const latest = hook.add({ guid: "x", deliveredAt: ago(3 * MIN), status: "Timed out", redelivery: true });
    await recover();
    expect(hook.redelivered).toEqual([latest.id]);
  });

  it("stops at the redelivery bound and resumes where it stopped on the next run", async () => {
    for (let i = 0; i < 5; i++) hook.add({ guid: `g${i}`, deliveredAt: ago((10 - i) * MIN), status: "Timed out" });
    expect(await recover({ maxRedeliveries: 2 })).toMatchObject({ redelivered: 2, deferred: 3 });
    expect(await store.getValue(RECOVERED_THROUGH_KEY)).toBeUndefined();
    for (const id of hook.redelivered) await store.recordDelivery(hook.attempts[id - 1]!.guid, NOW);
    expect(await recover({ maxRedeliveries: 2 })).toMatchObject({ redelivered: 2, deferred: 1 });
    expect(hook.redelivered).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ["the last check when there was one", async () => store.setValue(RECOVERED_THROUGH_KEY, String(ago(DAY).getTime())), ago(DAY + 10 * MIN)],
    ["the last delivery the store saw otherwise", async () => void (await store.recordDelivery("seen", ago(2 * DAY))), ago(2 * DAY + 10 * MIN)],
    ["three days back on a first start", async () => undefined, ago(3 * DAY)],
    ["never more than GitHub's three days", async () => void (await store.recordDelivery("seen", ago(9 * DAY))), ago(3 * DAY)],
  ])("lists from %s, with ten minutes of overlap", async (_name, arrange, since) => {
    await arrange();
    await recover();
    expect(hook.listedSince).toEqual([since]);
  });

  it("moves its watermark after a clean run so the next one starts from there", async () => {
    await recover();
    await recover();
    expect(hook.listedSince.at(-1)).toEqual(ago(10 * MIN));
  });

  it("counts a failed redelivery, carries on with the others and keeps the watermark", async () => {
    const bad = hook.add({ guid: "a", deliveredAt: ago(3 * MIN), status: "Timed out" });
    hook.add({ guid: "b", deliveredAt: ago(2 * MIN), status: "Timed out" });
    hook.failRedeliver.add(bad.id);
    expect(await recover()).toMatchObject({ redelivered: 1, failed: 1 });
    expect(await store.getValue(RECOVERED_THROUGH_KEY)).toBeUndefined();
  });

  it.each([
    ["403 (the token lacks hook admin)", new GitHubAuthError("Resource not accessible", 403), "permission"],
    ["404 (the hook is invisible to the token)", new GitHubApiError("Not Found", 404), "permission"],
    ["a network failure", new GitHubApiError("ECONNRESET", 0), "error"],
    ["an unexpected error", new Error("boom"), "error"],
  ])("returns unavailable instead of throwing when listing fails with %s", async (_name, error, reason) => {
    hook.failList = error;
    const result = await recover();
    expect(result).toMatchObject({ status: "unavailable", reason });
    if (reason === "permission") expect(result).toMatchObject({ detail: expect.stringContaining("periodic reconcile") });
  });
});
