/**
 * `runner-fleet serve` against the sandbox over real HTTP: it registers its hook, keeps the idle
 * floor, starts runners for jobs the sandbox's signed workflow_job deliveries announce, retires
 * idle ones after the timeout, answers /metrics, /healthz and /readyz, and stops leaving the
 * runners in place.
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

const PREFIX = "srv";
const SECRET = "serve-test-webhook-secret";
let sandbox: Sandbox;
let service: RunningServe;
let dir: string;
const log: string[] = [];


const live = () => sandbox.servers().filter((s) => s.name.startsWith(`${PREFIX}-`) && (s.status === "ACTIVE" || s.status === "BUILD") && s.taskState !== "deleting");
const online = () => sandbox.githubRunners().filter((r) => r.name.startsWith(`${PREFIX}-`) && r.status === "online" && !r.busy);

beforeAll(async () => {
  sandbox = await startFastSandbox();
  dir = await mkdtemp(join(tmpdir(), "rf-serve-"));
  const port = await freePort();
  const spec = validateSpec(specFor(sandbox, { prefix: PREFIX }), {});
  const config = validateServeConfig(
    {
      autoscale: { minIdle: 1, max: 6, idleTimeoutSeconds: 1 },
      serve: { listen: `127.0.0.1:${port}`, store: join(dir, "demand.sqlite"), tickSeconds: 1, reconcileSeconds: 5, webhook: { secret: SECRET, url: `http://127.0.0.1:${port}/webhook`, register: true } },
    },
    PREFIX,
    {},
  );
  service = await startServe({ spec, config, env: {}, runtime: { retryAfterBaseMs: 5 }, logStream: { write: (line: string) => log.push(line) } });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("runner-fleet serve on the sandbox", () => {
  it("keeps one idle runner waiting when nothing is queued (minIdle 1)", async () => {
    await waitFor("one online idle runner", () => online().length === 1 && live().length === 1, 20_000);
  });

  it("starts runners for queued jobs announced by webhook, and every job runs", async () => {
    const jobs = Array.from({ length: 4 }, () => sandbox.enqueueJob({ repository: "acme/app", durationMs: 1500 }).id);
    await waitFor("4 jobs started", () => sandbox.jobs().filter((j) => jobs.includes(j.id) && j.status !== "queued").length === 4, 30_000);
    expect(live().length).toBeGreaterThanOrEqual(4);
    expect(live().length).toBeLessThanOrEqual(6);
    await waitFor("4 jobs completed", () => sandbox.jobs().filter((j) => jobs.includes(j.id) && j.status === "completed").length === 4, 30_000);
    expect(sandbox.jobs().filter((j) => jobs.includes(j.id)).map((j) => j.conclusion)).toEqual(["success", "success", "success", "success"]);
  });

  it("retires idle runners past the idle timeout back to the floor", async () => {
    await waitFor("the fleet back at one idle runner", () => live().length === 1 && online().length === 1, 30_000);
  });

  it("answers /healthz, /readyz and /metrics, and never with a secret", async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    for (const name of ["runner_fleet_runners", "runner_fleet_queued_jobs", "runner_fleet_job_wait_seconds", "runner_fleet_runner_creations_total", "runner_fleet_runner_deletions_total", "runner_fleet_api_calls_total", "runner_fleet_reconcile_duration_seconds", "runner_fleet_webhook_deliveries_total"]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/runner_fleet_webhook_deliveries_total\{result="accepted"\} [1-9]/);
    for (const text of [metrics, await ready.text(), log.join("")]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(sandbox.githubToken);
    }
  });

  it("refuses an unsigned delivery with 401 and changes nothing", async () => {
    const before = live().length;
    const response = await fetch(`${service.url}/webhook`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "workflow_job", "x-github-delivery": "unsigned-1" }, body: "{}" });
    expect(response.status).toBe(401);
    expect(live().length).toBe(before);
  });

  it("stops on SIGTERM's path leaving its runners in place", async () => {
    const before = live().map((s) => s.name).sort();
    await service.stop();
    expect(live().map((s) => s.name).sort()).toEqual(before);
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});
