/**
 * `runner-fleet serve` with scale-set demand against the sandbox's Actions service over real HTTP:
 * no inbound port, no webhook. It finds or creates the fleet's scale set, holds its session, keeps
 * the idle floor, starts runners (JIT through the scale set) for the jobs GitHub assigns, retires
 * idle ones; a second controller waits as a hot standby and takes over when the first stops.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSpec } from "../../src/manager/spec.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { validateServeConfig } from "../../src/serve/config.js";
import { type RunningServe, startServe } from "../../src/serve/service.js";
import { specFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";
import { freePort } from "../support/free-port.js";

const PREFIX = "ss";
let sandbox: Sandbox;
let dir: string;
const services: RunningServe[] = [];


/** A serve controller of the fleet with scale-set demand and a store of its own (as on another machine). */
async function controller(id: string): Promise<RunningServe> {
  const spec = validateSpec(specFor(sandbox, { prefix: PREFIX, graceSeconds: 1 }), {});
  const config = validateServeConfig(
    { autoscale: { minIdle: 1, max: 6, idleTimeoutSeconds: 1, scaleSet: { name: "ss-linux" } }, serve: { id, listen: `127.0.0.1:${await freePort()}`, store: join(dir, `${id}.sqlite`), tickSeconds: 1, reconcileSeconds: 5 } },
    PREFIX,
    {},
  );
  expect(config.serve.demand).toBe("scale-set");
  const service = await startServe({ spec, config, env: {}, runtime: { retryAfterBaseMs: 5 }, logStream: { write: () => true } });
  services.push(service);
  return service;
}

const live = () => sandbox.servers().filter((s) => s.name.startsWith(`${PREFIX}-`) && (s.status === "ACTIVE" || s.status === "BUILD") && s.taskState !== "deleting");
const onlineIdle = () => sandbox.githubRunners().filter((r) => r.name.startsWith(`${PREFIX}-`) && r.status === "online" && !r.busy);

beforeAll(async () => {
  sandbox = await startFastSandbox({ github: { actions: { longPollMs: 200, assignmentTimeoutMs: 10_000 } } });
  dir = await mkdtemp(join(tmpdir(), "rf-serve-ss-"));
}, 60_000);

afterAll(async () => {
  for (const service of services) await service.stop();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("runner-fleet serve with the scale-set source", () => {
  let first: RunningServe;

  it("creates the fleet's scale set and keeps one idle runner registered to it", async () => {
    first = await controller("a");
    await waitFor("the scale set with an open session", () => sandbox.actions.scaleSets().some((s) => s.name === "ss-linux" && s.session !== undefined), 20_000);
    await waitFor("one online idle runner", () => onlineIdle().length === 1 && live().length === 1, 20_000);
  });

  it("runs the jobs GitHub assigns to the scale set on runners it starts, then retires them to the floor", async () => {
    const jobs = Array.from({ length: 4 }, () => sandbox.enqueueJob({ repository: "acme/app", durationMs: 1000 }).id);
    await waitFor("4 jobs completed", () => sandbox.jobs().filter((j) => jobs.includes(j.id) && j.status === "completed").length === 4, 60_000);
    expect(sandbox.jobs().filter((j) => jobs.includes(j.id)).every((j) => j.conclusion === "success")).toBe(true);
    await waitFor("back at one idle runner", () => live().length === 1 && onlineIdle().length === 1, 60_000);
  });

  it("keeps a second controller on hot standby, and the standby takes over when the active one stops: jobs keep running", async () => {
    const second = await controller("b");
    await waitFor("the second controller on standby", async () => {
      const ready = await (await fetch(`${second.url}/readyz`)).json() as { checks: { demand: { detail: string } } };
      return ready.checks.demand.detail.includes("standby");
    }, 20_000);
    const stopped = Date.now();
    await first.stop();
    const jobs = Array.from({ length: 3 }, () => sandbox.enqueueJob({ repository: "acme/app", durationMs: 500 }).id);
    await waitFor("3 jobs completed after the takeover", () => sandbox.jobs().filter((j) => jobs.includes(j.id) && j.status === "completed").length === 3, 60_000);
    process.stderr.write(`[serve-scale-set] standby took over and ran 3 jobs within ${Date.now() - stopped} ms of the active controller's stop\n`);
    expect(sandbox.jobs().filter((j) => jobs.includes(j.id)).every((j) => j.conclusion === "success")).toBe(true);
  });
});
