/**
 * A stack whose RunnerFleet has `autoscale.scaleSet`, and `runner-fleet serve --stack` beside it
 * with the scale-set source (no webhook secret, no inbound port), with the real engine and the
 * installed CLI: serve opens the scale set's session, the jobs GitHub assigns to it run on runners
 * serve starts, which then retire; preview and `up` afterwards change nothing; SIGTERM leaves the
 * scale set; `pulumi destroy` removes the runners and then the scale set, leaving nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectFleetGone, initFleetStack, liveVmsOf, names, prefixOf, repositoryOf, startE2eSandbox } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createPulumiProject, type FleetStack, type PulumiProject } from "../support/pulumi-project.js";
import { autoscaledProgram, changedSteps, type ServeBeside, startServeBeside } from "../support/serve-beside.js";
import { waitFor } from "../support/wait.js";
import { freePort } from "../support/free-port.js";

const STACK = "scaleset";
const prefix = prefixOf(STACK);
const SCALE_SET = `${STACK}-linux`;
const PROGRAM = autoscaledProgram("{ minIdle: number; max: number; idleTimeoutSeconds: number; scaleSet: { name: string } }");
let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;
let serve: ServeBeside | undefined;

const scaleSet = () => sandbox.actions.scaleSets().find((s) => s.name === SCALE_SET);

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([
    startE2eSandbox({ github: { actions: { longPollMs: 500 } } }),
    createPulumiProject({ files: PROGRAM, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", RUNNER_FLEET_WEBHOOK_SECRET: undefined } }),
  ]);
  stack = await initFleetStack(project, sandbox, STACK);
  for (const [key, value] of [["minIdle", 1], ["max", 5], ["idleTimeoutSeconds", 2], ["scaleSet.name", SCALE_SET]] as const) await stack.run(["config", "set", "--path", `autoscale.${key}`, String(value)]);
  await stack.up();
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  serve?.child.kill("SIGKILL");
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

describe("runner-fleet serve --stack with the scale-set source beside a Pulumi stack", () => {
  it("makes the floor on up: one runner, registered in the stack's scale set", async () => {
    await waitFor("1 live VM", () => liveVmsOf(sandbox, prefix).length === 1, 30_000);
    const runners = sandbox.githubRunners().filter((r) => r.name.startsWith(`${prefix}-`));
    expect(runners.map((r) => r.scaleSetId)).toStrictEqual([scaleSet()?.id]);
  });

  it("opens the stack's scale set, runs the jobs GitHub assigns to it on runners it starts, then retires them", async () => {
    const port = await freePort();
    serve = await startServeBeside(project, { stack: STACK, port });
    expect(serve.output()).toContain(`demand from scale set '${SCALE_SET}'`);
    await waitFor("the scale set's session open", () => scaleSet()?.session != null, 30_000);
    const jobs = Array.from({ length: 4 }, () => sandbox.enqueueJob({ repository: repositoryOf(STACK), durationMs: 1500 }).id);
    await waitFor("4 jobs completed", () => sandbox.jobs().filter((j) => jobs.includes(j.id) && j.status === "completed").length === 4, 60_000);
    const done = sandbox.jobs().filter((j) => jobs.includes(j.id));
    expect(done.every((j) => j.conclusion === "success" && j.runnerName?.startsWith(`${prefix}-`))).toBe(true);
    await waitFor("back at the floor: one runner", () => liveVmsOf(sandbox, prefix).length === 1, 60_000);
  });

  it("previews and ups the stack afterwards with no change", async () => {
    const before = names(liveVmsOf(sandbox, prefix));
    expect(changedSteps(await stack.preview({ refresh: true }))).toEqual([]);
    await stack.up({ refresh: true });
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(before);
  });

  it("stops on SIGTERM with exit 0, leaving the runners and the scale set in place", async () => {
    const before = names(liveVmsOf(sandbox, prefix));
    expect(serve?.child.exitCode, "serve is still running").toBeNull();
    expect(await serve?.stop("SIGTERM")).toBe(0);
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(before);
    expect(scaleSet()).toMatchObject({ name: SCALE_SET, session: null });
  });

  it("is destroyed with no VM, no GitHub runner and no scale set left", async () => {
    const { stderr, stdout } = await stack.destroy();
    expect(`${stdout}${stderr}`).toContain(`scale set '${SCALE_SET}' deleted`);
    await expectFleetGone(sandbox, prefix);
    expect(scaleSet()).toBeUndefined();
  });
});
