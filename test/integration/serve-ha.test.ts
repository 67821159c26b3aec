/**
 * Two `serve` controllers for one fleet (HA): both receive every delivery (each registered its own
 * hook) and both decide, sharing one SQLite store. Claims made in the store's serialized
 * transactions keep the second from doubling the first's creations: the overshoot stays bounded.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSpec } from "../../src/manager/spec.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { validateServeConfig } from "../../src/serve/config.js";
import { type RunningServe, startServe } from "../../src/serve/service.js";
import { ensureRealPostgres, REAL_POSTGRES_START_TIMEOUT_MS } from "../support/real-postgres.js";
import { specFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";
import { freePort } from "../support/free-port.js";

const JOBS = 20;
let sandbox: Sandbox;
let dir: string;
const services: RunningServe[] = [];
const made = new Set<string>();
let watched = "";
const watch = setInterval(() => {
  for (const vm of sandbox?.servers() ?? []) if (watched && vm.name.startsWith(`${watched}-`)) made.add(vm.name);
}, 5);


beforeAll(async () => {
  sandbox = await startFastSandbox({ bootDelayMs: 200, quota: { instances: 100 } });
  dir = await mkdtemp(join(tmpdir(), "rf-serve-ha-"));
}, 60_000);

/** Two controllers of fleet `prefix` on `store`, each with its own listener and hook. */
async function twoControllers(prefix: string, store: string): Promise<RunningServe[]> {
  const spec = validateSpec(specFor(sandbox, { prefix, github: { path: `acme/${prefix}` } }), {});
  const started: RunningServe[] = [];
  for (const id of ["controller-a", "controller-b"]) {
    const port = await freePort();
    const config = validateServeConfig(
      {
        autoscale: { minIdle: 0, max: 40, idleTimeoutSeconds: 1 },
        serve: { id, listen: `127.0.0.1:${port}`, store, tickSeconds: 1, reconcileSeconds: 5, webhook: { secret: "ha-secret", url: `http://127.0.0.1:${port}/webhook`, register: true } },
      },
      prefix,
      {},
    );
    started.push(await startServe({ spec, config, env: {}, runtime: { retryAfterBaseMs: 5 }, logStream: { write: () => true } }));
  }
  services.push(...started);
  return started;
}

afterAll(async () => {
  clearInterval(watch);
  for (const service of services) await service.stop();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("two serve controllers sharing one store", () => {
  it.each([
    ["one SQLite file (two controllers on one machine)", "sqlite"],
    ["one PostgreSQL database (controllers on different machines)", "postgres"],
  ] as const)(`serve a burst of ${JOBS} jobs through %s with bounded overshoot (measured), every job running once`, async (_what, kind) => {
    const prefix = `ha${kind === "sqlite" ? "s" : "p"}${Date.now().toString(16).slice(-6)}`;
    const store = kind === "sqlite" ? join(dir, "shared.sqlite") : await ensureRealPostgres();
    const pair = await twoControllers(prefix, store);
    made.clear();
    watched = prefix;
    const ids = Array.from({ length: JOBS }, () => sandbox.enqueueJob({ repository: `acme/${prefix}`, durationMs: 1000 }).id);
    await waitFor(`${JOBS} jobs completed`, () => sandbox.jobs().filter((j) => ids.includes(j.id) && j.status === "completed").length === JOBS, 60_000);
    expect(sandbox.jobs().filter((j) => ids.includes(j.id)).every((j) => j.conclusion === "success")).toBe(true);
    const overshoot = made.size - JOBS;
    process.stderr.write(`[serve-ha] ${kind}: ${made.size} runners made for ${JOBS} jobs by two controllers: overshoot ${overshoot} (${((overshoot / JOBS) * 100).toFixed(0)}%)\n`);
    // One controller alone makes one runner per job (minIdle 0); the second must not double that.
    expect(made.size).toBeGreaterThanOrEqual(JOBS);
    expect(overshoot).toBeLessThanOrEqual(Math.ceil(JOBS * 0.05));
    await waitFor("the fleet back at zero", () => sandbox.servers().filter((s) => s.name.startsWith(`${prefix}-`)).length === 0, 60_000);
    for (const service of pair) await service.stop();
  }, REAL_POSTGRES_START_TIMEOUT_MS);
});
