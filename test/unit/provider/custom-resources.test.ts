/**
 * The plugin's translation layer: URN dispatch to the dynamic providers, and secrets taken off on
 * the way in and put back on the way out. The pool logic itself is tested in test/unit/pulumi.
 */
import { describe, expect, it } from "vitest";
import { customResources, typeOfUrn, UnknownResourceTypeError } from "../../../src/provider/custom-resources.js";
import { isWireSecret } from "../../../src/provider/secrets.js";
import { diffPool } from "../../../src/pulumi/pool-diff.js";
import type { PoolOutputs } from "../../../src/pulumi/pool-inputs.js";
import { inputs } from "../pulumi/pool-fixtures.js";

const SIG = "4dabf18193072939515e22adb298388d";
const wire = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });
const urn = (type: string, name: string) => `urn:pulumi:dev::proj::runner-fleet:index:RunnerFleet$${type}::${name}`;
const POOL_URN = urn("runner-fleet:index:RunnerPool", "ci-pool");
const OPERATION_URN = urn("runner-fleet:index:FleetOperation", "ci-flush");

/** The pool's inputs as the engine sends them: credentials marked secret. */
const onWire = { ...inputs, credentials: wire(inputs.credentials) };
const outputs: PoolOutputs = { ...inputs, observed: { total: 3, idle: 3, busy: 0, offline: 0 }, runnerNames: ["ci-1", "ci-2", "ci-3"] };

describe("typeOfUrn", () => {
  it.each([
    ["a child of the component", POOL_URN, "runner-fleet:index:RunnerPool"],
    ["a top-level resource", "urn:pulumi:dev::proj::runner-fleet:index:RunnerPool::p", "runner-fleet:index:RunnerPool"],
    ["a name holding colons", "urn:pulumi:dev::proj::runner-fleet:index:FleetOperation::a::b", "runner-fleet:index:FleetOperation"],
  ])("reads the type of %s", (_what, given, type) => {
    expect(typeOfUrn(given)).toBe(type);
  });
});

describe("the plugin's custom resources", () => {
  it("refuses a type it does not serve, naming the ones it does", async () => {
    const call = customResources.check(urn("runner-fleet:index:Nope", "x"), {}, {});
    await expect(call).rejects.toBeInstanceOf(UnknownResourceTypeError);
    await expect(call).rejects.toThrow(/runner-fleet:index:RunnerPool, runner-fleet:index:FleetOperation/);
  });

  it("checks a pool with the pool's check and returns its credentials still secret", async () => {
    const result = await customResources.check(POOL_URN, onWire, onWire);
    expect(result.failures).toEqual([]);
    const checked = result.inputs as Record<string, unknown>;
    expect(isWireSecret(checked.credentials)).toBe(true);
    expect(checked).toMatchObject({ prefix: "ci", runners: 3, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it("reports the pool check's failures as they are", async () => {
    const result = await customResources.check(POOL_URN, onWire, { ...onWire, runners: -1 });
    expect(result.failures?.map((f) => f.property)).toContain("runners");
  });

  it("diffs a pool on plain values: the same answer as the pool's diff", async () => {
    const olds = { ...outputs, credentials: wire(outputs.credentials) };
    const news = { ...onWire, runners: 4 };
    const { changes, replaces, deleteBeforeReplace } = diffPool(outputs, { ...inputs, runners: 4 });
    expect(await customResources.diff("ci", POOL_URN, olds, news)).toEqual({ changes, replaces, deleteBeforeReplace });
  });

  it("creates an operation without running it, its copy of the pool secret even when given plain", async () => {
    const props = { kind: "flush", trigger: "", pool: inputs };
    const { id, outs } = await customResources.create(OPERATION_URN, props);
    expect(id).toBe("ci-flush");
    expect(isWireSecret((outs as Record<string, unknown>).pool)).toBe(true);
    expect((outs as Record<string, unknown>).lastRun).toBeUndefined();
  });

  it("reads an operation back as stored, secrets kept", async () => {
    const stored = { kind: "cleanup", trigger: "t1", pool: wire(inputs), lastRun: { trigger: "t1" } };
    const result = await customResources.read("ci-cleanup", OPERATION_URN, stored);
    expect(result).toEqual({ id: "ci-cleanup", props: stored });
  });

  it("updates an operation whose trigger is unchanged without running anything", async () => {
    const olds = { kind: "flush", trigger: "t1", pool: wire(inputs), lastRun: { trigger: "t1" } };
    const news = { kind: "flush", trigger: "t1", mode: "busy", pool: wire(inputs) };
    const { outs } = await customResources.update("ci-flush", OPERATION_URN, olds, news);
    expect(outs).toEqual({ ...news, lastRun: { trigger: "t1" } });
  });
});
