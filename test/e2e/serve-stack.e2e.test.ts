/**
 * A stack with `autoscale` and `runner-fleet serve --stack` beside it, with the real engine and
 * the installed CLI: `up` makes the floor, serve starts runners for the jobs the sandbox's signed
 * deliveries announce and retires them when idle, and a refreshed preview and `up` afterwards
 * change nothing (the runners serve started are not drift); SIGTERM stops serve with exit 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectFleetGone, expectNoSecret, initFleetStack, liveVmsOf, names, prefixOf, startE2eSandbox } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createPulumiProject, type FleetStack, type PulumiProject } from "../support/pulumi-project.js";
import { autoscaledProgram, changedSteps, type ServeBeside, startServeBeside } from "../support/serve-beside.js";
import { waitFor } from "../support/wait.js";
import { freePort } from "../support/free-port.js";

const STACK = "auto";
const prefix = prefixOf(STACK);
const SECRET = "serve-stack-e2e-webhook-secret";
const PROGRAM = autoscaledProgram("{ minIdle: number; max: number; idleTimeoutSeconds: number }");
let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;
let serve: ServeBeside | undefined;

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([startE2eSandbox(), createPulumiProject({ files: PROGRAM, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } })]);
  stack = await initFleetStack(project, sandbox, STACK);
  for (const [key, value] of [["minIdle", 1], ["max", 5], ["idleTimeoutSeconds", 2]] as const) await stack.run(["config", "set", "--path", `autoscale.${key}`, String(value)]);
  await stack.up();
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  serve?.child.kill("SIGKILL");
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

describe("runner-fleet serve --stack beside a Pulumi stack with autoscale", () => {
  it("makes the floor on up: one runner", async () => {
    await waitFor("1 live VM", () => liveVmsOf(sandbox, prefix).length === 1, 30_000);
  });

  it("starts runners for queued jobs and retires them when idle, from the stack's own settings", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/webhook`;
    serve = await startServeBeside(project, { stack: STACK, port, args: ["--register-webhook", url], env: { RUNNER_FLEET_WEBHOOK_SECRET: SECRET } });
    const jobs = Array.from({ length: 4 }, () => sandbox.enqueueJob({ repository: `acme/${STACK}`, durationMs: 1500 }).id);
    await waitFor("4 jobs completed", () => sandbox.jobs().filter((j) => jobs.includes(j.id) && j.status === "completed").length === 4, 60_000);
    expect(sandbox.jobs().filter((j) => jobs.includes(j.id)).every((j) => j.conclusion === "success")).toBe(true);
    await waitFor("back at the floor: one idle runner", () => liveVmsOf(sandbox, prefix).length === 1, 60_000);
  });

  it("previews and ups the stack afterwards with no change: runners serve started and retired are not drift", async () => {
    const before = names(liveVmsOf(sandbox, prefix));
    expect(changedSteps(await stack.preview({ refresh: true }))).toEqual([]);
    await stack.up({ refresh: true });
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(before);
  });

  it("stops on SIGTERM with exit 0, leaving the runners in place", async () => {
    const before = names(liveVmsOf(sandbox, prefix));
    expect(serve?.child.exitCode, "serve is still running").toBeNull();
    expect(await serve?.stop("SIGTERM")).toBe(0);
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(before);
    expect(serve?.output()).not.toContain(SECRET);
    expectNoSecret(serve?.output() ?? "", sandbox, "serve's output");
  });

  it("is destroyed with nothing left", async () => {
    await stack.destroy();
    await expectFleetGone(sandbox, prefix);
  });
});
