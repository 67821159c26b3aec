/**
 * Upgrading runner-fleet under an existing stack, through the real CLI: a stack made by the
 * release before the preview change (its operations stored the pool's whole input set, and any
 * pool change showed them as updates) keeps its resources, previews a scale change as the pool's
 * update alone, runs no flush or cleanup it was not asked for, and runs a new trigger once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { initFleetStack, names, prefixOf, startE2eSandbox, vmsOf, waitForFleet } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import {
  createPulumiProject, FLEET_PROGRAM, type FleetStack, installRunnerFleet, installRunnerFleetAt, type PreviewJson, type PulumiProject,
} from "../support/pulumi-project.js";

/** The last commit before operations stopped showing every pool change (issue: a preview a reviewer can trust). */
const RELEASE_BEFORE = "d0f4e482fb789d0aef34bfd6ad906ad958cf79e7";
const STACK = "upg";
const prefix = prefixOf(STACK);

let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;
let current: string;

beforeAll(async () => {
  await ensurePulumiEngine();
  const [old] = await Promise.all([installRunnerFleetAt(RELEASE_BEFORE), installRunnerFleet().then((dir) => (current = dir))]);
  sandbox = await startE2eSandbox();
  project = await createPulumiProject({ files: FLEET_PROGRAM, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  await project.useInstallation(old);
  stack = await initFleetStack(project, sandbox, STACK, { runners: 2 });
  await stack.up();
  await project.useInstallation(current);
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

const steps = (preview: PreviewJson): string[] => preview.steps.filter((s) => s.op !== "same" && s.op !== "refresh").map((s) => `${s.op} ${s.urn.split("::").at(-1)}`);
const lines = (preview: PreviewJson): string[] =>
  (preview.diagnostics ?? []).flatMap((d) => d.message.split("\n")).filter((l) => l.startsWith("runner-fleet info: ")).map((l) => l.slice(19));

describe("upgrading runner-fleet under a stack made by the previous release", () => {
  it("previews the unchanged stack with no step and no line", async () => {
    const preview = await stack.preview();
    expect(steps(preview)).toEqual([]);
    expect(lines(preview)).toEqual([]);
  });

  it("previews a scale change as the pool's update alone, and up runs no flush or cleanup", async () => {
    const before = names(vmsOf(sandbox, prefix));
    await stack.config("runners", 3);
    const preview = await stack.preview();
    expect(steps(preview)).toEqual(["update ci-pool"]);
    expect(lines(preview)).toEqual([`${prefix}: plan: 2 → 3 runners (+1)`]);
    await stack.up();
    const after = await waitForFleet(sandbox, prefix, 3);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(((await stack.outputs()) as { operations: object }).operations).toEqual({});
  });

  it("runs a new flush trigger once, replacing the idle runners", async () => {
    const before = names(vmsOf(sandbox, prefix));
    await stack.config("runner-fleet:flushTrigger", "after-upgrade");
    expect(steps(await stack.preview())).toEqual(["update ci-flush"]);
    await stack.up();
    const after = await waitForFleet(sandbox, prefix, 3);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
    expect(steps(await stack.preview())).toEqual([]);
  });
});
