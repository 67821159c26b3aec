/**
 * Flush and cleanup as stack actions through the real `pulumi` CLI, driven by the trigger config
 * exactly as examples/sandbox wires it (`runner-fleet:flushTrigger`, `runner-fleet:flushMode`,
 * `runner-fleet:cleanupTrigger`): `preview` shows the planned action without running it (no API
 * call at all, the sandbox unchanged), `up` runs it once, and `pulumi stack history` records it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox, SandboxJob } from "../../src/sandbox/index.js";
import { initFleetStack, jobsEnded, liveVmsOf, names, prefixOf, startE2eSandbox, startJobs, vmsOf, waitForFleet } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createFleetProject, type FleetStack, OPERATION_TYPE, type PreviewJson, POOL_TYPE, opsOf, type PulumiProject } from "../support/pulumi-project.js";
import { waitFor } from "../support/wait.js";

let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;
const prefix = prefixOf("ops");

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([startE2eSandbox(), createFleetProject()]);
  stack = await initFleetStack(project, sandbox, "ops", { runners: 3 });
  await stack.up();
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

interface LastRun {
  trigger: string;
  at: string;
  kind: string;
  mode?: string;
  deletedVms: number;
  keptBusy: number;
  created: number;
}

async function lastRuns(): Promise<{ flush?: LastRun; cleanup?: LastRun }> {
  return (await stack.outputs()).operations as { flush?: LastRun; cleanup?: LastRun };
}

/** The preview's step for operation `kind` (`ci-flush` or `ci-cleanup`). */
function operationOp(preview: PreviewJson, kind: "flush" | "cleanup"): string | undefined {
  return preview.steps.find((s) => (s.newState ?? s.oldState)?.type === OPERATION_TYPE && s.urn.endsWith(`::ci-${kind}`))?.op;
}

/**
 * Sets the trigger config, previews (asserting the plan and that nothing was touched), then runs
 * `up` and returns what the sandbox held before.
 */
async function previewThenUp(config: Record<string, string>, kind: "flush" | "cleanup", message: string): Promise<{ before: string[] }> {
  for (const [key, value] of Object.entries(config)) await stack.config(key, value);
  const before = names(vmsOf(sandbox, prefix));
  sandbox.resetRequests();

  const preview = await stack.preview();

  expect(operationOp(preview, kind)).toBe("update");
  expect(opsOf(preview, POOL_TYPE).filter((op) => op !== "same")).toEqual([]);
  expect((preview.diagnostics ?? []).map((d) => d.message).join("\n")).toContain(message);
  // Planned, not run: no request reached either API, and the fleet has the same VMs.
  expect(sandbox.requests()).toEqual([]);
  expect(names(vmsOf(sandbox, prefix))).toEqual(before);

  await stack.up();
  return { before };
}

/** `stack history`: the newest update changed nothing (the action ran once), the one before ran it with `key` = `value`. */
async function expectRecorded(key: string, value: string): Promise<void> {
  const [latest, previous] = await stack.history();
  expect(latest).toMatchObject({ kind: "update", result: "succeeded" });
  expect(latest?.resourceChanges).toEqual({ same: 5 });
  expect(previous).toMatchObject({ kind: "update", result: "succeeded", resourceChanges: { update: 1, same: 4 } });
  expect(previous?.config?.[key]).toMatchObject({ value });
}

/** A job that outlasts the flush tests: flush idle must leave it running, flush busy ends it. */
let longJob: SandboxJob;

describe("flush and cleanup as stack actions through the trigger config", () => {
  it("flush idle: `preview` shows it without running it, `up` replaces only the idle runners once, and `stack history` records it, when a job is running", async () => {
    [longJob] = (await startJobs(sandbox, "ops", 1, 30 * 60_000)) as [SandboxJob];
    const busy = longJob.runnerName!;

    const { before } = await previewThenUp({ "runner-fleet:flushTrigger": "flush-1" }, "flush", "ops-ci: plan: flush (idle) runs");

    const after = await waitForFleet(sandbox, prefix, 3);
    expect(after).toContain(busy);
    expect(after.filter((name) => before.includes(name))).toEqual([busy]);
    const first = (await lastRuns()).flush;
    expect(first).toMatchObject({ trigger: "flush-1", kind: "flush", mode: "idle", deletedVms: 2, created: 2 });

    // Again with the same trigger: nothing runs.
    await stack.up();
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(after);
    expect((await lastRuns()).flush).toEqual(first);
    await expectRecorded("runner-fleet:flushTrigger", "flush-1");
    // Its runner was never deregistered nor its VM deleted (either would have ended the job).
    expect(sandbox.jobs().find((j) => j.id === longJob.id)).toMatchObject({ status: "in_progress", runnerName: busy });
  });

  it("flush busy: `preview` shows it without running it, and `up` replaces every runner, the busy one too, once, when flushMode is busy", async () => {
    expect(sandbox.jobs().find((j) => j.id === longJob.id)?.status).toBe("in_progress");

    const { before } = await previewThenUp({ "runner-fleet:flushMode": "busy", "runner-fleet:flushTrigger": "flush-2" }, "flush", "ops-ci: plan: flush (busy) runs");

    const after = await waitForFleet(sandbox, prefix, 3);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
    expect((await lastRuns()).flush).toMatchObject({ trigger: "flush-2", mode: "busy", deletedVms: 3, created: 3 });
    // Its VM was deleted under it: that is what flushing busy runners means.
    expect((await jobsEnded(sandbox, [longJob]))[0]?.conclusion).toBe("failure");

    await stack.up();
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(after);
    await expectRecorded("runner-fleet:flushMode", "busy");
    expect((await stack.history())[1]?.config?.["runner-fleet:flushTrigger"]).toMatchObject({ value: "flush-2" });
  });

  it("cleanup: `preview` shows it without running it, and `up` removes the consumed runner's VM and replenishes once, when a job consumed a runner", async () => {
    const [job] = await startJobs(sandbox, "ops", 1, 100);
    await jobsEnded(sandbox, [job!]);
    await waitFor("the consumed runner's VM to power off", () => vmsOf(sandbox, prefix).some((vm) => vm.name === job!.runnerName && vm.status === "SHUTOFF"), 30_000);

    await previewThenUp({ "runner-fleet:cleanupTrigger": "cleanup-1" }, "cleanup", "ops-ci: plan: cleanup runs");

    const after = await waitForFleet(sandbox, prefix, 3);
    expect(after).not.toContain(job!.runnerName);
    expect((await lastRuns()).cleanup).toMatchObject({ trigger: "cleanup-1", kind: "cleanup", deletedVms: 1, created: 1 });

    await stack.up();
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(after);
    await expectRecorded("runner-fleet:cleanupTrigger", "cleanup-1");
  });
});
