/**
 * The CLI's stack actions through the Pulumi Automation API, end to end: `flush --stack`,
 * `cleanup --stack` and `reconcile --stack` on a stack of a temporary copy of examples/sandbox
 * (runner-fleet installed from `npm pack`), with the real engine and a local file backend, against
 * an in-process sandbox. The CLI runs in this process with the project's environment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import {
  expectFleetGone,
  expectNoSecret,
  initFleetStack,
  jobsEnded,
  liveVmsOf,
  names,
  prefixOf,
  runnersOf,
  startE2eSandbox,
  startJobs,
  waitForFleet,
} from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createPulumiProject, type FleetStack, type PulumiProject } from "../support/pulumi-project.js";
import { configFileOf, historyOf, runStackCli } from "../support/pulumi-stack-actions.js";
import { waitFor } from "../support/wait.js";

const STACK = "actions";
const prefix = prefixOf(STACK);
let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([
    startE2eSandbox(),
    // The example as users copy it; ts-node only transpiles (the examples' own tests type-check it).
    createPulumiProject({ copy: { "examples/sandbox": "." }, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } }),
  ]);
  // The stack's own repository (acme/actions): jobs queued there go to this fleet only.
  stack = await initFleetStack(project, sandbox, STACK, { runners: 2 });
  await stack.up();
  await waitForFleet(sandbox, prefix, 2);
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stack?.destroy().catch(() => undefined);
  if (sandbox && stack) await expectFleetGone(sandbox, prefix).catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

const cli = (...argv: string[]) => runStackCli(project, argv);

describe("runner-fleet flush/cleanup --stack (Automation API)", () => {
  it("`flush --stack S --preview` prints the planned update of the flush operation and changes nothing: sandbox, config and history", async () => {
    const vms = names(liveVmsOf(sandbox, prefix));
    const config = await configFileOf(stack);
    const history = await historyOf(stack);

    const run = await cli("flush", "--stack", STACK, "--preview");

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/~ +update +ci-flush \(operation\)/);
    expect(run.stdout).toContain("flush (idle) runs: idle runners are deregistered and replaced");
    expect(run.stdout).toContain("1 to update");
    expect(run.stdout).toContain("preview only: nothing ran");
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(vms);
    expect(names(runnersOf(sandbox, prefix))).toEqual(vms);
    expect(await configFileOf(stack)).toBe(config);
    expect(await historyOf(stack)).toHaveLength(history.length);
    expectNoSecret(run.stdout + run.stderr, sandbox, "the CLI's output");
  });

  it("`flush --stack S --mode idle` deregisters the idle runners, deletes their VMs, replenishes, and shows in `pulumi stack history`", async () => {
    const before = names(liveVmsOf(sandbox, prefix));

    const run = await cli("flush", "--stack", STACK, "--mode", "idle");

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("ci: flush (idle) deleted 2 VMs, deregistered 2 runners, kept 0 busy, replenished 2");
    const after = await waitForFleet(sandbox, prefix, 2);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
    const [latest] = await historyOf(stack);
    expect(latest).toMatchObject({ kind: "update", result: "succeeded", message: `runner-fleet flush --mode idle --stack ${STACK}` });
    expect(latest?.resourceChanges?.update).toBeGreaterThanOrEqual(1);
    // The trigger stays in the config, so a later plain `pulumi up` does not run the flush again.
    expect(await configFileOf(stack)).toMatch(/runner-fleet:flushTrigger: "?\d{4}-/);
    const outputs = (await stack.outputs()) as { operations?: { flush?: { deletedVms?: number } } };
    expect(outputs.operations?.flush?.deletedVms).toBe(2);
    expectNoSecret(run.stdout + run.stderr, sandbox, "the CLI's output");
  });

  it("`cleanup --stack S` runs the cleanup operation and records it", async () => {
    const run = await cli("cleanup", "--stack", STACK, "--json");

    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { preview: boolean; ran: { fleet: string; kind: string; deletedVms: number }[] };
    expect(result.preview).toBe(false);
    expect(result.ran).toEqual([expect.objectContaining({ fleet: "ci", kind: "cleanup", deletedVms: 0 })]);
    expect((await historyOf(stack))[0]).toMatchObject({ result: "succeeded", message: `runner-fleet cleanup --stack ${STACK}` });
    await waitForFleet(sandbox, prefix, 2);
  });

  it.each([
    { name: "an unknown fleet", argv: ["flush", "--stack", STACK, "--fleet", "nope"], says: "--fleet nope: no such RunnerFleet in stack 'actions'; its fleets: ci" },
    { name: "an unknown stack", argv: ["cleanup", "--stack", "nope"], says: "--stack nope: no such stack" },
  ])("exits 2 and changes nothing for $name", async ({ argv, says }) => {
    const history = await historyOf(stack);

    const run = await cli(...argv);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
    expect(await historyOf(stack)).toHaveLength(history.length);
  });
});

describe("runner-fleet reconcile --stack (continuous reconcile)", () => {
  it("replenishes a runner a job consumed, and issues a reconciliation event in every cycle", async () => {
    const jobs = await startJobs(sandbox, STACK, 1, 200);
    await jobsEnded(sandbox, jobs);
    // The ephemeral runner deregistered and its VM powered off: one live runner is missing.
    await waitFor("the used runner's VM to power off", () => liveVmsOf(sandbox, prefix).length === 1, 30_000);

    const run = await cli("reconcile", "--stack", STACK, "--every", "1s", "--cycles", "2");

    expect(run.code, run.stderr).toBe(0);
    const cycles = run.stdout.split("\n").filter((line) => / cycle \d+ /.test(line));
    expect(cycles).toHaveLength(2);
    // Cycle 1 refreshes, sees the drift and updates the pool; cycle 2 finds nothing drifted and
    // reconciles through the cleanup operation: both issue the event.
    expect(run.stdout).toMatch(/~ +update +ci-pool \(runner pool\)/);
    expect(run.stdout.match(/reconciliation \(actions-ci\): 2 expected/g)).toHaveLength(2);
    await waitForFleet(sandbox, prefix, 2);
    expect(names(runnersOf(sandbox, prefix))).toHaveLength(2);
    const messages = (await historyOf(stack)).map((h) => h.message ?? "");
    expect(messages.filter((m) => m.startsWith(`runner-fleet reconcile --stack ${STACK}`)).length).toBeGreaterThanOrEqual(2);
  });
});
