/**
 * Two `serve` controllers for one fleet (HA): both receive every delivery (each registered its own
 * hook) and both decide, sharing one SQLite store. Claims made in the store's serialized
 * transactions keep the second from doubling the first's creations: the overshoot stays bounded.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSpec } from "../../src/manager/spec.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { validateServeConfig } from "../../src/serve/config.js";
import { type RunningServe, startServe } from "../../src/serve/service.js";
import { specFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

const PREFIX = "ha";
const JOBS = 20;
let sandbox: Sandbox;
let dir: string;
const services: RunningServe[] = [];
const made = new Set<string>();
const watch = setInterval(() => {
  for (const vm of sandbox?.servers() ?? []) if (vm.name.startsWith(`${PREFIX}-`)) made.add(vm.name);
}, 5);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

beforeAll(async () => {
  sandbox = await startFastSandbox({ bootDelayMs: 200, quota: { instances: 100 } });
  dir = await mkdtemp(join(tmpdir(), "rf-serve-ha-"));
  const spec = validateSpec(specFor(sandbox, { prefix: PREFIX }), {});
  for (const id of ["controller-a", "controller-b"]) {
    const port = await freePort();
    const config = validateServeConfig(
      {
        autoscale: { minIdle: 0, max: 40, idleTimeoutSeconds: 1 },
        serve: { id, listen: `127.0.0.1:${port}`, store: join(dir, "shared.sqlite"), tickSeconds: 1, reconcileSeconds: 5, webhook: { secret: "ha-secret", url: `http://127.0.0.1:${port}/webhook`, register: true } },
      },
      PREFIX,
      {},
    );
    services.push(await startServe({ spec, config, env: {}, runtime: { retryAfterBaseMs: 5 }, logStream: { write: (line: string) => process.stderr.write(`[${id}] ${line}`) } }));
  }
}, 60_000);

afterAll(async () => {
  clearInterval(watch);
  for (const service of services) await service.stop();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("two serve controllers sharing one store", () => {
  it(`serve a burst of ${JOBS} jobs with bounded overshoot (measured), every job running once`, async () => {
    const ids = Array.from({ length: JOBS }, () => sandbox.enqueueJob({ repository: "acme/app", durationMs: 1000 }).id);
    await waitFor(`${JOBS} jobs completed`, () => sandbox.jobs().filter((j) => ids.includes(j.id) && j.status === "completed").length === JOBS, 60_000);
    expect(sandbox.jobs().filter((j) => ids.includes(j.id)).every((j) => j.conclusion === "success")).toBe(true);
    const overshoot = made.size - JOBS;
    process.stderr.write(`[serve-ha] ${made.size} runners made for ${JOBS} jobs by two controllers: overshoot ${overshoot} (${((overshoot / JOBS) * 100).toFixed(0)}%)\n`);
    // One controller alone makes one runner per job (minIdle 0); the second must not double that.
    expect(made.size).toBeGreaterThanOrEqual(JOBS);
    expect(overshoot).toBeLessThanOrEqual(Math.ceil(JOBS * 0.05));
    await waitFor("the fleet back at zero", () => sandbox.servers().filter((s) => s.name.startsWith(`${PREFIX}-`)).length === 0, 60_000);
  }, 120_000);
});
