/**
 * A stack whose RunnerFleet has `autoscale.scaleSet`, and `runner-fleet serve --stack` beside it
 * with the scale-set source (no webhook secret, no inbound port), with the real engine and the
 * installed CLI: serve opens the scale set's session, the jobs GitHub assigns to it run on runners
 * serve starts, which then retire; preview and `up` afterwards change nothing; SIGTERM leaves the
 * scale set; `pulumi destroy` removes the runners and then the scale set, leaving nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectFleetGone, initFleetStack, liveVmsOf, names, prefixOf, repositoryOf, startE2eSandbox } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine, nodeBinDir } from "../support/pulumi-engine.js";
import { createPulumiProject, FLEET_PROGRAM, type FleetStack, installRunnerFleet, type PreviewJson, type PulumiProject } from "../support/pulumi-project.js";
import { waitFor } from "../support/wait.js";
import { freePort } from "../support/free-port.js";

const STACK = "scaleset";
const prefix = prefixOf(STACK);
const SCALE_SET = `${STACK}-linux`;
let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;
let serve: ChildProcess | undefined;
let serveOutput = "";

/** FLEET_PROGRAM with `autoscale` (its scale set included) from config, and `runners` left to it. */
const PROGRAM = {
  ...FLEET_PROGRAM,
  "index.ts": (FLEET_PROGRAM["index.ts"] as string).replace(
    `runners: config.getNumber("runners") ?? 2,`,
    `runners: config.getNumber("runners"),\n  autoscale: config.requireObject<{ minIdle: number; max: number; idleTimeoutSeconds: number; scaleSet: { name: string } }>("autoscale"),`,
  ),
};

const steps = (p: PreviewJson) => p.steps.filter((s) => s.op !== "same" && s.op !== "refresh").map((s) => `${s.op} ${s.urn.split("::").at(-1)}`);
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
  serve?.kill("SIGKILL");
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

describe("runner-fleet serve --stack with the scale-set source beside a Pulumi stack", () => {
  it("makes the floor on up: one runner", async () => {
    await waitFor("1 live VM", () => liveVmsOf(sandbox, prefix).length === 1, 30_000);
  });

  it("opens the stack's scale set, runs the jobs GitHub assigns to it on runners it starts, then retires them", async () => {
    const port = await freePort();
    const installed = await installRunnerFleet();
    const cli = join(installed, "node_modules", "runner-fleet", "dist", "cli", "main.js");
    serve = spawn(join(nodeBinDir(), "node"), [cli, "serve", "--stack", STACK, "--fleet", "ci", "--listen", `127.0.0.1:${port}`, "--store", join(project.work, "demand.sqlite")], {
      cwd: project.dir,
      env: project.env,
    });
    serve.stdout?.on("data", (c: Buffer) => (serveOutput += c.toString()));
    serve.stderr?.on("data", (c: Buffer) => (serveOutput += c.toString()));
    await waitFor("serve to listen", () => serveOutput.includes("serving "), 60_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${serveOutput.slice(-2000)}`);
    });
    expect(serveOutput).toContain(`demand from scale set '${SCALE_SET}'`);
    await waitFor("the scale set's session open", () => scaleSet()?.session != null, 30_000);
    const jobs = Array.from({ length: 4 }, () => sandbox.enqueueJob({ repository: repositoryOf(STACK), durationMs: 1500 }).id);
    await waitFor("4 jobs completed", () => sandbox.jobs().filter((j) => jobs.includes(j.id) && j.status === "completed").length === 4, 60_000);
    const done = sandbox.jobs().filter((j) => jobs.includes(j.id));
    expect(done.every((j) => j.conclusion === "success" && j.runnerName?.startsWith(`${prefix}-`))).toBe(true);
    await waitFor("back at the floor: one runner", () => liveVmsOf(sandbox, prefix).length === 1, 60_000);
  });

  it("previews and ups the stack afterwards with no change", async () => {
    const before = names(liveVmsOf(sandbox, prefix));
    expect(steps(await stack.preview({ refresh: true }))).toEqual([]);
    await stack.up({ refresh: true });
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(before);
  });

  it("stops on SIGTERM with exit 0, leaving the runners and the scale set in place", async () => {
    const before = names(liveVmsOf(sandbox, prefix));
    expect(serve?.exitCode, "serve is still running").toBeNull();
    serve?.kill("SIGTERM");
    expect(await new Promise((resolve) => serve?.once("exit", (code) => resolve(code)))).toBe(0);
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
