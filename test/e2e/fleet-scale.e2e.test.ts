/**
 * Scaling and drift through the real `pulumi` CLI: N→M→K with jobs running (and GitHub's busy
 * flag lagging, as it does for real), and ephemeral runners consumed by jobs between deployments:
 * `refresh` shows the drift and the next `up` replenishes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { initFleetStack, jobsEnded, liveVmsOf, names, prefixOf, startE2eSandbox, startJobs, vmsOf, waitForFleet } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createFleetProject, type FleetStack, opsOf, POOL_TYPE, type PulumiProject } from "../support/pulumi-project.js";
import { waitFor } from "../support/wait.js";

// GitHub lists a runner as busy only this long after its job started (real GitHub: 25–60 s; here longer than the jobs), so
// the manager's scale-down sees busy runners as idle and must rely on GitHub refusing to delete them.
const BUSY_LAG_MS = 60_000;

let sandbox: Sandbox;
let project: PulumiProject;
const stacks: FleetStack[] = [];

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([startE2eSandbox({ github: { busyLagMs: BUSY_LAG_MS } }), createFleetProject()]);
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  for (const stack of stacks) await stack.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

async function newStack(name: string, runners: number): Promise<FleetStack> {
  const stack = await initFleetStack(project, sandbox, name, { runners });
  stacks.push(stack);
  return stack;
}

/** One engine event of `--json` output of refresh/up (JSON lines). */
interface EngineEvent {
  resOutputsEvent?: { metadata: { op: string; type: string; old?: { outputs?: Record<string, unknown> }; new?: { outputs?: Record<string, unknown> } } };
}

describe("scaling a fleet through `pulumi up`", () => {
  it("scaling 3 → 5 → 1 deletes no busy runner, and every job ends in success, when jobs are running and GitHub's busy flag lags", async () => {
    const prefix = prefixOf("scale");
    const stack = await newStack("scale", 3);
    await stack.up();
    // Long enough to outlast both scalings even on a loaded 2-core machine.
    const jobs = await startJobs(sandbox, "scale", 2, 40_000);
    const busy = jobs.map((j) => j.runnerName!).sort();

    await stack.config("runners", 5);
    await stack.up();
    expect(liveVmsOf(sandbox, prefix)).toHaveLength(5);
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(expect.arrayContaining(busy));

    await stack.config("runners", 1);
    // The scale-down starts while both jobs run.
    expect(sandbox.jobs().filter((j) => jobs.some((started) => started.id === j.id)).map((j) => j.status)).toEqual(["in_progress", "in_progress"]);
    await stack.up();
    // The jobs' runners are still there (GitHub refused to deregister them: 422), and of the idle
    // ones at most the one wanted is left.
    const live = names(liveVmsOf(sandbox, prefix));
    expect(live).toEqual(expect.arrayContaining(busy));
    expect(live.filter((name) => !busy.includes(name)).length).toBeLessThanOrEqual(1);
    expect(sandbox.jobs().filter((j) => jobs.some((started) => started.id === j.id)).map((j) => j.conclusion ?? j.status)).not.toContain("failure");

    // A lost VM would have made its job fail.
    const ended = await jobsEnded(sandbox, jobs);
    expect(ended.map((j) => j.conclusion)).toEqual(["success", "success"]);

    // Once the jobs are done their runners are consumed. Live, the fleet is already at 1, so only
    // the stale (powered-off) VMs make the refreshed pool differ: `up` removes them, exactly 1 left.
    await waitFor("the jobs' VMs to power off", () => vmsOf(sandbox, prefix).filter((vm) => busy.includes(vm.name)).every((vm) => vm.status === "SHUTOFF"), 30_000);
    await stack.up({ refresh: true });
    await waitForFleet(sandbox, prefix, 1);
  });
});

describe("ephemeral runners consumed between deployments", () => {
  it("`refresh` shows the drift, `preview` plans the replenishment and the next `up` replenishes, when jobs consumed runners", async () => {
    const prefix = prefixOf("drift");
    const stack = await newStack("drift", 3);
    await stack.up();
    const before = names(liveVmsOf(sandbox, prefix));
    const jobs = await startJobs(sandbox, "drift", 2, 200);
    const consumed = jobs.map((j) => j.runnerName!).sort();
    expect((await jobsEnded(sandbox, jobs)).map((j) => j.conclusion)).toEqual(["success", "success"]);
    await waitFor("the consumed runners' VMs to power off", () => vmsOf(sandbox, prefix).filter((vm) => vm.status === "SHUTOFF").length === 2, 30_000);

    const refreshed = (await stack.run(["refresh", "--yes", "--skip-preview", "--json"])).stdout
      .split("\n")
      .filter((line) => line.trim().startsWith("{"))
      .map((line) => JSON.parse(line) as EngineEvent)
      .map((e) => e.resOutputsEvent?.metadata)
      .find((m) => m?.type === POOL_TYPE);
    expect(refreshed?.op).toBe("update");
    expect(refreshed?.old?.outputs?.observed).toMatchObject({ total: 3 });
    expect(refreshed?.new?.outputs?.observed).toMatchObject({ total: 1 });
    expect((await stack.pool()).observed).toMatchObject({ total: 1 });

    const preview = await stack.preview();
    expect(opsOf(preview, POOL_TYPE)).toEqual(["update"]);
    // refresh and preview changed nothing in the sandbox.
    expect(vmsOf(sandbox, prefix)).toHaveLength(3);

    await stack.up();
    const after = await waitForFleet(sandbox, prefix, 3);
    const survivor = before.filter((name) => !consumed.includes(name));
    expect(after).toEqual(expect.arrayContaining(survivor));
    expect(after.filter((name) => consumed.includes(name))).toEqual([]);
    expect((await stack.outputs()).counts).toMatchObject({ total: 3 });
  });
});
