/**
 * The provider plugin `pulumi-resource-runner-fleet` with the real engine: a program registers
 * `runner-fleet:index:RunnerFleet` as a remote component, the way a generated SDK of any language
 * does (here TypeScript, since no other language host is needed for that), and the engine finds the
 * plugin through Pulumi.yaml's `plugins.providers` path into the installed npm package. The plugin
 * constructs the fleet with plugin-served children; a stack made by the TypeScript API (dynamic
 * children) moves to it without replacement. Programs in Python and YAML through the plugin:
 * python-fleet.e2e.test.ts and yaml-fleet.e2e.test.ts.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectFleetGone, expectNoSecret, initFleetStack, names, prefixOf, startE2eSandbox, vmsOf, waitForFleet } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { PLUGIN_FLEET_PROGRAM, PLUGIN_INDEX, PLUGIN_PULUMI_YAML } from "../support/plugin-program.js";
import { createPulumiProject, FLEET_PROGRAM, type FleetStack, type PreviewJson, type PulumiProject } from "../support/pulumi-project.js";

const PLUGIN_POOL = "runner-fleet:index:RunnerPool";
const PLUGIN_OPERATION = "runner-fleet:index:FleetOperation";

let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;
const prefix = prefixOf("plg");

const steps = (preview: PreviewJson): string[] =>
  preview.steps.filter((s) => s.op !== "same" && !(s.urn.includes("pulumi:providers:") && s.op === "create")).map((s) => `${s.op} ${s.urn.split("::").at(-1)}`);
const lines = (preview: PreviewJson): string[] =>
  (preview.diagnostics ?? []).flatMap((d) => d.message.split("\n")).filter((l) => l.startsWith("runner-fleet info: ")).map((l) => l.slice(19));

beforeAll(async () => {
  await ensurePulumiEngine();
  sandbox = await startE2eSandbox();
  project = await createPulumiProject({
    files: PLUGIN_FLEET_PROGRAM,
    env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
  });
  stack = await initFleetStack(project, sandbox, "plg", { runners: 2 });
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

describe("the provider plugin serving RunnerFleet to a program through the real engine", () => {
  it("creates the fleet with plugin-served children, the runners online", async () => {
    await stack.up();
    const types = (await stack.resources()).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(["runner-fleet:index:RunnerFleet", PLUGIN_POOL, PLUGIN_OPERATION, "pulumi:providers:runner-fleet"]));
    expect(types.filter((t) => t.startsWith("pulumi-nodejs:"))).toEqual([]);
    const vms = await waitForFleet(sandbox, prefix, 2);
    const outputs = (await stack.outputs()) as { prefix: string; runnerNames: string[]; counts: { total: number } };
    expect(outputs.prefix).toBe(prefix);
    expect(outputs.runnerNames).toEqual(vms);
    expect(outputs.counts.total).toBe(2);
  });

  it("keeps every credential secret in the state", async () => {
    expectNoSecret(await stack.exportText(), sandbox, "the exported state");
    const pool = (await stack.resources()).find((r) => r.type === PLUGIN_POOL);
    expect(JSON.stringify(pool?.outputs?.credentials)).toContain("4dabf18193072939515e22adb298388d");
    expect(JSON.stringify((await stack.resources()).find((r) => r.type === PLUGIN_OPERATION)?.outputs?.pool)).toContain("4dabf18193072939515e22adb298388d");
  });

  it("previews the unchanged stack with no change", async () => {
    expect(steps(await stack.preview())).toEqual([]);
  });

  it("previews 2 → 3 runners as an update of the pool alone, says so, and up adds one runner", async () => {
    const before = names(vmsOf(sandbox, prefix));
    await stack.config("runners", 3);
    const preview = await stack.preview();
    expect(steps(preview)).toEqual(["update ci-pool"]);
    expect(lines(preview)).toEqual([`${prefix}: plan: 2 → 3 runners (+1)`]);
    await stack.up();
    expect(await waitForFleet(sandbox, prefix, 3)).toEqual(expect.arrayContaining(before));
  });

  it("runs a flush once through its trigger, replacing the idle runners", async () => {
    const before = names(vmsOf(sandbox, prefix));
    await stack.config("runner-fleet:flushTrigger", "plugin-flush-1");
    expect(steps(await stack.preview())).toEqual(["update ci-flush"]);
    await stack.up();
    const after = await waitForFleet(sandbox, prefix, 3);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
    const outputs = (await stack.outputs()) as { operations: { flush?: { trigger: string; deletedVms: number } } };
    expect(outputs.operations.flush).toMatchObject({ trigger: "plugin-flush-1", deletedVms: 3 });
    expect(steps(await stack.preview())).toEqual([]);
  });

  it("destroys the fleet, leaving nothing in the sandbox", async () => {
    await stack.destroy();
    await expectFleetGone(sandbox, prefix);
    expect(await stack.resources()).toEqual([]);
  });
});

describe("a stack made by the TypeScript API, moved to the plugin", () => {
  let moved: PulumiProject;
  let movedStack: FleetStack;
  const movedPrefix = prefixOf("mov");

  beforeAll(async () => {
    moved = await createPulumiProject({ files: FLEET_PROGRAM, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
    movedStack = await initFleetStack(moved, sandbox, "mov", { runners: 2 });
    await movedStack.up();
    await waitForFleet(sandbox, movedPrefix, 2);
  });

  afterAll(async () => {
    await movedStack?.destroy().catch(() => undefined);
    await moved?.remove();
  });

  it("keeps its fleet: the children are aliased from the dynamic types and nothing is replaced", async () => {
    const before = names(vmsOf(sandbox, movedPrefix));
    await writeFile(`${moved.dir}/Pulumi.yaml`, PLUGIN_PULUMI_YAML);
    await writeFile(`${moved.dir}/index.ts`, PLUGIN_INDEX);
    const preview = await movedStack.preview();
    const changes = steps(preview).filter((s) => !s.endsWith("default")); // the unused pulumi-nodejs default provider goes
    expect(changes).toEqual([]);
    await movedStack.up();
    const types = (await movedStack.resources()).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining([PLUGIN_POOL, PLUGIN_OPERATION]));
    expect(types.filter((t) => t.startsWith("pulumi-nodejs:"))).toEqual([]);
    expect(names(vmsOf(sandbox, movedPrefix))).toEqual(before);
    expect(steps(await movedStack.preview())).toEqual([]);
  });
});
