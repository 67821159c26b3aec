import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionsServiceError } from "../../../src/github/actions-errors.js";
import { ConfigError } from "../../../src/manager/errors.js";
import { FakeActions } from "./actions-fake.js";
import { clientOn } from "./actions-harness.js";

let fake: FakeActions;
beforeEach(async () => {
  fake = new FakeActions();
  await fake.start();
});
afterEach(() => fake.close());

describe("ActionsClient requests", () => {
  it("adds api-version=6.0-preview and a JSON User-Agent of kind scaleset to every service call", async () => {
    const { client } = clientOn(fake);
    const set = await client.createScaleSet({ name: "fleet", runnerGroupId: 1 });
    client.scaleSetId = set.id;
    await client.findScaleSet(1, "fleet");
    await client.generateJitConfig(set.id, "fleet-abc");
    await client.getRunnerByName("fleet-abc");
    await client.deleteScaleSet(set.id);
    const calls = fake.serviceCalls();
    expect(calls).toHaveLength(5);
    for (const call of calls) expect(call.query.get("api-version")).toBe("6.0-preview");
    expect(JSON.parse(String(calls[0]?.headers["user-agent"]))).toMatchObject({ system: "runner-fleet", kind: "scaleset", scale_set_id: 0 });
    expect(JSON.parse(String(calls[1]?.headers["user-agent"]))).toMatchObject({ kind: "scaleset", scale_set_id: set.id });
  });

  it("strips a UTF-8 BOM before parsing JSON", async () => {
    fake.bom = true;
    const { client } = clientOn(fake);
    expect(await client.createScaleSet({ name: "fleet", runnerGroupId: 1 })).toMatchObject({ id: 1, name: "fleet" });
  });

  it.each([
    { typeName: "AgentExistsException", code: "actions_runner_exists" },
    { typeName: "AgentNotFoundException", code: "actions_runner_not_found" },
    { typeName: "JobStillRunningException", code: "actions_job_still_running" },
    { typeName: "SomethingElseException", code: "actions_api" },
  ])("maps the typeName $typeName to the code $code", async ({ typeName, code }) => {
    fake.fail("GET", /runnerscalesets$/, { status: 400, body: { typeName, message: "it failed" }, headers: { activityid: "act-1", "x-github-request-id": "req-1" } });
    const error = await clientOn(fake).client.findScaleSet(1, "fleet").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionsServiceError);
    expect(error).toMatchObject({ code, typeName, status: 400, requestId: "req-1", activityId: "act-1" });
    expect((error as Error).message).toContain(`${typeName}: it failed`);
  });

  it("passes a text/plain error body through as the message", async () => {
    fake.fail("GET", /runnerscalesets$/, { status: 400, text: "plain words" });
    await expect(clientOn(fake).client.findScaleSet(1, "fleet")).rejects.toThrow(/answered 400 while finding scale set 'fleet': plain words/);
  });
});

describe("ActionsClient retries and timeouts", () => {
  it("retries a 429 after its Retry-After and a 502 after a doubling backoff", async () => {
    fake.fail("GET", /runnerscalesets$/, { status: 429, headers: { "retry-after": "3" }, body: {} });
    fake.fail("GET", /runnerscalesets$/, { status: 502, text: "bad gateway" });
    const { client, waits } = clientOn(fake);
    expect(await client.findScaleSet(1, "fleet")).toBeUndefined();
    expect(waits).toStrictEqual([3000, 2000]);
  });

  it("does not retry a 501 and gives up on 5xx after 4 retries", async () => {
    fake.fail("GET", /runnerscalesets$/, { status: 501, text: "no" });
    const { client, waits } = clientOn(fake);
    await expect(client.findScaleSet(1, "fleet")).rejects.toMatchObject({ status: 501 });
    expect(waits).toStrictEqual([]);
    fake.fail("GET", /runnerscalesets$/, { status: 503, text: "down" }, 10);
    await expect(client.findScaleSet(1, "fleet")).rejects.toMatchObject({ status: 503 });
    expect(waits).toStrictEqual([1000, 2000, 4000, 8000]);
  });

  it("fails a call that gets no answer in time with a network error (status 0)", async () => {
    const { client } = clientOn(fake, { timeoutMs: 50 });
    await client.auth.credentials();
    fake.fail("GET", /runnerscalesets$/, { status: 200, body: { count: 0, value: [] }, delayMs: 1000 });
    await expect(client.findScaleSet(1, "fleet")).rejects.toMatchObject({ status: 0, message: expect.stringMatching(/no answer within 50 ms/) });
  });

  it("runs the token chain again once when the service refuses the admin token", async () => {
    const { client } = clientOn(fake);
    await client.auth.credentials();
    fake.adminToken = "rotated-elsewhere";
    expect(await client.findScaleSet(1, "fleet")).toBeUndefined();
    expect(fake.calls().filter((c) => c === "POST /actions/runner-registration")).toHaveLength(2);
  });
});

describe("ActionsClient scale sets and runners", () => {
  it("answers id 1 for the default group without a call and looks other groups up by name", async () => {
    const { client } = clientOn(fake);
    expect(await client.runnerGroupId("default")).toBe(1);
    expect(fake.requests).toHaveLength(0);
    expect(await client.runnerGroupId("linux")).toBe(5);
    expect(fake.serviceCalls()[0]?.query.get("groupName")).toBe("linux");
    await expect(client.runnerGroupId("gpu")).rejects.toBeInstanceOf(ConfigError);
  });

  it("creates a scale set with System labels and RunnerSetting.disableUpdate (capital R)", async () => {
    await clientOn(fake).client.createScaleSet({ name: "fleet", runnerGroupId: 5, labels: ["linux", "x64"] });
    expect(fake.serviceCalls()[0]?.body).toStrictEqual({
      name: "fleet", runnerGroupId: 5, labels: [{ type: "System", name: "linux" }, { type: "System", name: "x64" }], RunnerSetting: { disableUpdate: true },
    });
  });

  it("labels a scale set with its name when no labels are given", async () => {
    await clientOn(fake).client.createScaleSet({ name: "fleet", runnerGroupId: 1 });
    expect(fake.serviceCalls()[0]?.body).toMatchObject({ labels: [{ type: "System", name: "fleet" }] });
  });

  it("finds a scale set by runner group and name", async () => {
    const { client } = clientOn(fake);
    await client.createScaleSet({ name: "fleet", runnerGroupId: 1 });
    expect(await client.findScaleSet(1, "fleet")).toMatchObject({ id: 1 });
    expect(await client.findScaleSet(5, "fleet")).toBeUndefined();
    const query = fake.serviceCalls()[1]?.query;
    expect([query?.get("runnerGroupId"), query?.get("name")]).toStrictEqual(["1", "fleet"]);
  });

  it("deletes a scale set, and calls one that is already gone gone", async () => {
    const { client } = clientOn(fake);
    const set = await client.createScaleSet({ name: "fleet", runnerGroupId: 1 });
    expect(await client.deleteScaleSet(set.id)).toBe("deleted");
    expect(await client.deleteScaleSet(set.id)).toBe("gone");
  });

  it("removes runners: deleted, busy on JobStillRunningException, gone on AgentNotFoundException", async () => {
    const { client } = clientOn(fake);
    fake.agents.push({ id: 1, name: "idle", runnerScaleSetId: 1 }, { id: 2, name: "busy", runnerScaleSetId: 1, busy: true });
    expect(await client.removeRunner(1)).toBe("deleted");
    expect(await client.removeRunner(2)).toBe("busy");
    expect(await client.removeRunner(1)).toBe("gone");
    expect(fake.serviceCalls().map((c) => `${c.method} ${c.path}`)).toContain("DELETE /tenant/123/_apis/distributedtask/pools/0/agents/2");
  });

  it("reads runners by id and by name", async () => {
    const { client } = clientOn(fake);
    fake.agents.push({ id: 9, name: "r9", runnerScaleSetId: 1 });
    expect(await client.getRunner(9)).toStrictEqual({ id: 9, name: "r9", runnerScaleSetId: 1 });
    expect(await client.getRunner(10)).toBeUndefined();
    expect(await client.getRunnerByName("r9")).toMatchObject({ id: 9 });
    expect(await client.getRunnerByName("nope")).toBeUndefined();
  });
});
