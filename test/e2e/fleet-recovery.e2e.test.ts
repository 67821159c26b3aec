/**
 * A `pulumi up` killed half way (the CLI and every process under it, the dynamic provider
 * included, as a crash of the machine would; or the CLI alone, as an OOM kill would) while the compute API hangs on
 * server creation (a `timeout` fault: the request is never answered). The GitHub side already
 * has JIT runners for VMs that will never exist, the stack is locked and has a pending
 * operation. Recovery is what the CLI offers: `pulumi cancel` (releases the dead update's lock on
 * a file backend), `pulumi refresh` (with `--clear-pending-creates` when a create was cut short),
 * then `pulumi up`, and it must leave no orphan VM and no orphan GitHub runner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { describeFleet, initFleetStack, prefixOf, runnersOf, startE2eSandbox, vmsOf, waitForFleet } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createFleetProject, type FleetStack, POOL_TYPE, processesIn, type PulumiProject } from "../support/pulumi-project.js";
import { waitFor } from "../support/wait.js";

let sandbox: Sandbox;
let project: PulumiProject;
const stacks: FleetStack[] = [];

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([startE2eSandbox(), createFleetProject()]);
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  sandbox?.clearFaults();
  for (const stack of stacks) await stack.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

/** Runs `pulumi up` until `hung` server creations hang in the compute API, then kills it (see BackgroundCommand.kill). */
async function killUpWhileServersHang(stack: FleetStack, hung: number, scope: "cli" | "tree"): Promise<void> {
  sandbox.resetRequests();
  sandbox.fault({ service: "compute", method: "POST", path: "/servers$", kind: "timeout", count: Infinity });
  const up = await stack.start(["up", "--yes", "--skip-preview"]);
  const hanging = () => sandbox.requests("compute").filter((r) => r.method === "POST" && r.status === 0).length;
  await Promise.race([
    waitFor(`${hung} server creations hanging`, () => hanging() >= hung, 120_000),
    up.exited.then((code) => {
      throw new Error(`pulumi up ended (exit ${code}) before it was killed:\n${up.output()}`);
    }),
  ]);
  await up.kill(scope);
  sandbox.clearFaults();
  // Nothing of the dead update runs on: no program, no provider process still holding the fleet's
  // requests. Except the language host, which notices only at its next health check of the engine
  // (every 5 minutes: upstream rpcutil.Healthcheck); it is stopped here so the run leaks nothing.
  const languageHost = (p: { command: string }) => p.command.includes("pulumi-language-nodejs");
  const left = async () => (await processesIn(project.dir)).filter((p) => !languageHost(p));
  await waitFor("no process of the killed update left", async () => (await left()).length === 0, 30_000).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(await left())}`);
  });
  for (const { pid } of (await processesIn(project.dir)).filter(languageHost)) process.kill(pid, "SIGKILL");
}

/** GitHub runners of the fleet without a VM, and VMs without a GitHub runner. */
function orphans(prefix: string): { runners: string[]; vms: string[] } {
  const vmNames = new Set(vmsOf(sandbox, prefix).map((vm) => vm.name));
  const runnerNames = new Set(runnersOf(sandbox, prefix).map((r) => r.name));
  return {
    runners: [...runnerNames].filter((name) => !vmNames.has(name)),
    vms: [...vmNames].filter((name) => !runnerNames.has(name)),
  };
}

describe("a provider killed mid-`up`", () => {
  it("is recovered by `cancel`, `refresh` and `up` with no orphan VM and no orphan GitHub runner when it was scaling 2 → 4 and server creation hung", async () => {
    const prefix = prefixOf("crash");
    const stack = await initFleetStack(project, sandbox, "crash", { runners: 2 });
    stacks.push(stack);
    await stack.up();
    await stack.config("runners", 4);

    await killUpWhileServersHang(stack, 2, "tree");

    // What the crash left: JIT-registered runners whose VMs never came, a lock, a pending update.
    expect(orphans(prefix).runners.length, describeFleet(sandbox, prefix)).toBeGreaterThanOrEqual(2);
    const locked = await stack.run(["refresh", "--yes", "--skip-preview"], { allowFailure: true });
    expect(locked.code).not.toBe(0);
    expect(locked.stderr).toContain("pulumi cancel");

    await stack.run(["cancel", "--yes"]);
    await stack.refresh();
    await stack.up();

    await waitForFleet(sandbox, prefix, 4);
    expect(orphans(prefix)).toEqual({ runners: [], vms: [] });
    expect((await stack.pool()).observed).toMatchObject({ total: 4 });
  });

  it("is recovered by `cancel`, `refresh --clear-pending-creates` and `up` with no orphan, and leaves no process behind, when only the CLI of a new fleet's first `up` was killed", async () => {
    const prefix = prefixOf("crashnew");
    const stack = await initFleetStack(project, sandbox, "crashnew", { runners: 2 });
    stacks.push(stack);

    // Only the CLI: its plugins (own process groups) must notice and exit by themselves.
    await killUpWhileServersHang(stack, 2, "cli");

    expect(orphans(prefix).runners.length, describeFleet(sandbox, prefix)).toBeGreaterThanOrEqual(2);
    expect(vmsOf(sandbox, prefix)).toEqual([]);
    await stack.run(["cancel", "--yes"]);
    await stack.run(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
    expect((await stack.resources()).filter((r) => r.type === POOL_TYPE)).toEqual([]);
    await stack.up();

    await waitForFleet(sandbox, prefix, 2);
    expect(orphans(prefix)).toEqual({ runners: [], vms: [] });
  });
});
