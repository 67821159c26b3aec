/**
 * The on-disk programs users run, with the real CLI: examples/sandbox and the root demo project
 * (Pulumi.yaml at the root, `main: pulumi/demo/`). Each is copied into a temp dir as is (its
 * Pulumi.yaml with `backend: file://./.pulumi-state`, used here, and `options: refresh: always`,
 * its tsconfig.json), gets the npm-packed runner-fleet as its node_modules, and its config from the
 * sandbox; then up, a flush through its trigger config, and destroy. ts-node type-checks the
 * programs against the installed package's declarations here (no transpile-only).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectFleetGone, expectNoSecret, prefixOf, repositoryOf, startE2eSandbox, waitForFleet } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createPulumiProject, FleetStack, type ProjectLayout, type PulumiProject } from "../support/pulumi-project.js";

let sandbox: Sandbox;
const projects: PulumiProject[] = [];

beforeAll(async () => {
  await ensurePulumiEngine();
  sandbox = await startE2eSandbox();
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await sandbox?.close();
  for (const project of projects) await project.remove();
});

/**
 * up (3 runners, online), a flush of the idle runners through `runner-fleet:flushTrigger`, an
 * unchanged preview, destroy: the whole README flow of a program.
 */
async function runTheFlow(layout: ProjectLayout, stackName: string): Promise<void> {
  // Without PULUMI_BACKEND_URL (which would win), so the project's own `backend:` is used.
  const project = await createPulumiProject({ ...layout, env: { PULUMI_BACKEND_URL: undefined } });
  projects.push(project);
  // As examples/sandbox/README.md says: a file backend's directory must exist before `stack init`.
  await mkdir(join(project.dir, ".pulumi-state"));
  const prefix = prefixOf(stackName);
  const stack = await FleetStack.init(project, stackName, sandbox, { repository: repositoryOf(stackName) });

  await stack.up(); // the project's `refresh: always` applies
  const first = await waitForFleet(sandbox, prefix, 3);
  expect(((await stack.outputs()) as { counts: unknown }).counts).toEqual({ total: 3, idle: 3, busy: 0, offline: 0 });
  // State in the project's own backend (Pulumi.yaml `backend:`), as the README says.
  expect(existsSync(join(project.dir, ".pulumi-state", ".pulumi"))).toBe(true);

  await stack.config("runner-fleet:flushTrigger", "1");
  await stack.up();
  const flushed = await waitForFleet(sandbox, prefix, 3);
  expect(flushed.filter((name) => first.includes(name))).toEqual([]);
  expect(((await stack.outputs()) as { operations: { flush?: unknown } }).operations.flush).toMatchObject({ trigger: "1", mode: "idle", deletedVms: 3 });

  const unchanged = await stack.preview({ refresh: false });
  expect(unchanged.steps.filter((s) => s.op !== "same")).toEqual([]);

  await stack.destroy();
  await expectFleetGone(sandbox, prefix);
  await stack.rm();
  expectNoSecret(project.transcript.join("\n"), sandbox, `the CLI's output for ${stackName}`);
}

describe("the on-disk programs with the real CLI", () => {
  it("examples/sandbox goes up with 3 online runners, flushes through its trigger config and is destroyed with nothing left, when copied as is", async () => {
    await runTheFlow({ copy: { "examples/sandbox": "." } }, "example");
  });

  it("the root demo project (main: pulumi/demo/) goes up with 3 online runners, flushes and is destroyed with nothing left, when copied as is", async () => {
    await runTheFlow({ copy: { "Pulumi.yaml": "Pulumi.yaml", "pulumi/demo": "pulumi/demo" }, programDir: "pulumi/demo" }, "demo");
  });
});
