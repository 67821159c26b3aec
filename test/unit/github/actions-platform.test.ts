import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionsServiceError } from "../../../src/github/actions-errors.js";
import { createScaleSetAdapters, type ScaleSetAdapters } from "../../../src/github/scale-set-adapters.js";
import { renderUserData } from "../../../src/manager/user-data.js";
import { FakeActions, PAT } from "./actions-fake.js";
import { repo } from "./actions-harness.js";

let fake: FakeActions;
let adapters: ScaleSetAdapters;
beforeEach(async () => {
  fake = new FakeActions();
  await fake.start();
  adapters = createScaleSetAdapters({ auth: { token: PAT }, apiUrl: fake.url, path: repo, scaleSetName: "fleet", labels: ["linux"], actionsRetry: { minDelayMs: 1 } });
});
afterEach(() => fake.close());

describe("ScaleSetPlatform", () => {
  it("registers a runner through the scale set's generatejitconfig and hands the opaque blob to the user data", async () => {
    await adapters.platform.prepare();
    const jit = await adapters.platform.createJitRunner("fleet-0001", ["linux"]);
    expect(jit.runner).toStrictEqual({ id: 101, name: "fleet-0001", online: false, busy: false, labels: ["linux"] });
    expect(jit.jitConfig).toBe(fake.jitConfig);
    expect(fake.serviceCalls().at(-1)).toMatchObject({ path: "/tenant/123/_apis/runtime/runnerscalesets/1/generatejitconfig", body: { name: "fleet-0001", workFolder: "_work" } });
    expect(renderUserData(jit.jitConfig)).toContain(`./run.sh --jitconfig '${fake.jitConfig}'`);
  });

  it("frees a name held by a runner of the same scale set and tries again once", async () => {
    await adapters.platform.prepare();
    fake.agents.push({ id: 50, name: "fleet-0001", runnerScaleSetId: 1 });
    expect((await adapters.platform.createJitRunner("fleet-0001", [])).runner.id).toBe(101);
    expect(fake.agents.map((a) => a.id)).toStrictEqual([101]);
  });

  it("refuses a name held by a runner of another scale set", async () => {
    await adapters.platform.prepare();
    fake.agents.push({ id: 50, name: "fleet-0001", runnerScaleSetId: 99 });
    const error = await adapters.platform.createJitRunner("fleet-0001", []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionsServiceError);
    expect(error).toMatchObject({ code: "actions_runner_exists" });
    expect(fake.agents.map((a) => a.id)).toStrictEqual([50]);
  });

  it("removes runners from the scale set, answering busy and gone", async () => {
    fake.agents.push({ id: 1, name: "a", runnerScaleSetId: 1 }, { id: 2, name: "b", runnerScaleSetId: 1, busy: true });
    expect(await adapters.platform.deleteRunner(1)).toBe("deleted");
    expect(await adapters.platform.deleteRunner(2)).toBe("busy");
    expect(await adapters.platform.deleteRunner(1)).toBe("gone");
  });

  it("lists runners through the REST API, as GitHubPlatform does", async () => {
    fake.runners.push({ id: 7, name: "fleet-0001", status: "online", busy: true, labels: [{ name: "fleet" }] });
    expect(await adapters.platform.listRunners()).toStrictEqual([{ id: 7, name: "fleet-0001", online: true, busy: true, labels: ["fleet"] }]);
    expect(fake.calls()).toStrictEqual(["GET /repos/acme/widgets/actions/runners"]);
  });

  it("shares one scale set between the platform and the listener's service", async () => {
    const ref = await adapters.service.ensureScaleSet();
    await adapters.platform.createJitRunner("fleet-0002", []);
    expect(fake.scaleSets.map((s) => s.id)).toStrictEqual([ref.id]);
  });
});
