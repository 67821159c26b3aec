/**
 * What `pulumi preview` tells a reviewer, through the real CLI: exactly the steps that will run
 * and one line per resource that changes, drift told apart from plan; `--diff` names the changed
 * inputs with their kind and no secret; `--json` carries the same lines as diagnostics.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectNoSecret, initFleetStack, jobsEnded, prefixOf, startE2eSandbox, startJobs, vmsOf, waitForFleet } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createFleetProject, type FleetStack, type PreviewJson, type PulumiProject } from "../support/pulumi-project.js";
import { waitFor } from "../support/wait.js";

const STACK = "prev";
const prefix = prefixOf(STACK);

let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([startE2eSandbox(), createFleetProject()]);
  stack = await initFleetStack(project, sandbox, STACK, { runners: 2 });
  await stack.up();
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

/** `op name` of the steps that change something (refresh reads and unchanged resources left out). */
function steps(preview: PreviewJson): string[] {
  return preview.steps.filter((s) => s.op !== "same" && s.op !== "refresh").map((s) => `${s.op} ${s.urn.split("::").at(-1)}`);
}

/** The preview's runner-fleet lines, as a review bot reads them from `--json`. */
function lines(preview: PreviewJson): string[] {
  return (preview.diagnostics ?? []).flatMap((d) => d.message.split("\n")).filter((l) => l.startsWith("runner-fleet info: ")).map((l) => l.slice("runner-fleet info: ".length));
}

/** Names of the pool's runners as its state last recorded them, oldest first (ties by name), as the manager orders a scale-down. */
async function oldestFirst(): Promise<string[]> {
  const members = ((await stack.pool()).members ?? []) as { name: string; createdAt: string }[];
  return [...members].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name)).map((m) => m.name);
}

describe("pulumi preview of a fleet", () => {
  it("shows no step and no line when the fleet is unchanged, refreshed or not", async () => {
    for (const refresh of [false, true]) {
      const preview = await stack.preview({ refresh });
      expect(steps(preview)).toEqual([]);
      expect(lines(preview)).toEqual([]);
    }
  });

  it("shows a scale-up as one pool update and one line, and --diff names `runners` as an update", async () => {
    await stack.config("runners", 4);
    const preview = await stack.preview();
    expect(steps(preview)).toEqual(["update ci-pool"]);
    expect(lines(preview)).toEqual([`${prefix}: plan: 2 → 4 runners (+2)`]);
    const { stdout } = await stack.run(["preview", "--diff", "--refresh=false"]);
    expect(stdout).toMatch(/~ runners\s*: 2 => 4/);
    await stack.up();
    await waitForFleet(sandbox, prefix, 4);
  });

  it("names the runners a scale-down takes, and up takes exactly those", async () => {
    await stack.config("runners", 1);
    const going = (await oldestFirst()).slice(0, 3);
    const preview = await stack.preview();
    expect(steps(preview)).toEqual(["update ci-pool"]);
    expect(lines(preview)).toEqual([`${prefix}: plan: 4 → 1 runners (−3): ${going.join(", ")} go`]);
    await stack.up();
    const [left] = await waitForFleet(sandbox, prefix, 1);
    expect(going).not.toContain(left);
  });

  it("shows an image change as a rolling replacement of the idle runner, and --diff names `image`", async () => {
    await stack.config("image", "ubuntu-22.04");
    const preview = await stack.preview();
    expect(steps(preview)).toEqual(["update ci-pool"]);
    expect(lines(preview)).toEqual([`${prefix}: plan: new image: replace 1 idle runner`]);
    const { stdout } = await stack.run(["preview", "--diff", "--refresh=false"]);
    expect(stdout).toMatch(/~ image\s*: "ubuntu-24.04" => "ubuntu-22.04"/);
    await stack.up();
  });

  it.each([
    ["flush", "runner-fleet:flushTrigger", "flush (idle) runs: idle runners are deregistered and replaced; busy ones finish their jobs"],
    ["cleanup", "runner-fleet:cleanupTrigger", "cleanup runs: dangling runners, used, failed and stuck VMs are removed, then the fleet is replenished"],
  ] as const)("shows a new %s trigger as that operation's update alone, with its line", async (kind, key, line) => {
    await stack.config(key, "1");
    const preview = await stack.preview();
    expect(steps(preview)).toEqual([`update ci-${kind}`]);
    expect(lines(preview)).toEqual([`${prefix}: plan: ${line}`]);
    await stack.up();
  });

  it("tells drift apart from plan when a job used a runner since the last up", async () => {
    const [job] = await startJobs(sandbox, STACK, 1, 200);
    await jobsEnded(sandbox, [job!]);
    await waitFor("the used runner's VM to power off", () => vmsOf(sandbox, prefix).some((vm) => vm.status === "SHUTOFF"), 30_000);
    const preview = await stack.preview({ refresh: true });
    expect(steps(preview)).toEqual(["update ci-pool"]);
    expect(lines(preview)).toEqual([`${prefix}: 1 of 1 runners was used by jobs (drift); plan: 0 → 1 runners (+1), remove 1 used VM`]);
    await stack.up({ refresh: true });
    await waitForFleet(sandbox, prefix, 1);
  });

  it("shows a new GitHub path as a replacement of the pool, and the operations recording the new fleet", async () => {
    await stack.config("repository", "acme/prev-other");
    const preview = await stack.preview();
    const before = (await stack.pool()).observed?.total ?? 0;
    expect(steps(preview).filter((s) => s.endsWith("ci-pool"))).toEqual(["replace ci-pool"]);
    expect(steps(preview).filter((s) => !s.endsWith("ci-pool")).sort()).toEqual(["update ci-cleanup", "update ci-flush"]);
    expect(lines(preview)).toEqual([`${prefix}: plan: replace the fleet (github.path acme/${STACK} → acme/prev-other): drain its ${before} runner${before === 1 ? "" : "s"}, then create 1`]);
    const { stdout } = await stack.run(["preview", "--diff", "--refresh=false"]);
    expect(stdout).toMatch(/\+-pulumi-nodejs:dynamic\/runner-fleet:RunnerPool: \(replace\)[\s\S]*~ path: "acme\/prev" => "acme\/prev-other"/);
    await stack.config("repository", `acme/${STACK}`);
  });

  it("never shows a secret in any preview, --diff or --json", () => {
    expectNoSecret(project.transcript.join("\n"), sandbox, "the previews");
  });
});
