/**
 * The soak: 1,000 short jobs through `runner-fleet serve` (its own process) while the sandbox
 * fails 5% of OpenStack calls and 2% of GitHub calls with 5xx, sends 3% of new VMs to ERROR, loses
 * 10% of webhook deliveries and duplicates another 10%; serve is SIGKILLed and restarted after a
 * third and after two thirds of the jobs. Then faults off, drain to zero, one cleanup, and count
 * what was lost. All draws are seeded.
 *
 * Run alone: `./dev npx tsx bench/main.ts --only soak`.
 */
import { mulberry32 } from "../src/sandbox/random.js";
import type { JobSpec } from "../src/sandbox/index.js";
import { startRemoteSandbox, type RemoteSandbox } from "./remote-sandbox.js";
import { drainAndClean } from "./serve-drain.js";
import { duration, type Report, sleep, spread, triple, until } from "./serve-metrics.js";
import { awaitReady, type BenchFleet, benchDir, type CliProcess, freePort, startCli, writeFleet } from "./serve-process.js";

const JOBS = 1000;
const PER_SECOND = 8;
const REPOSITORY = "acme/soak";
const LATENCY_MS = 20;
const KILL_AT = [Math.round(JOBS / 3), Math.round((2 * JOBS) / 3)];
const OPENSTACK = ["compute", "network", "image", "identity"] as const;

/** Runs the soak and reports every figure. */
export async function benchServeSoak(report: Report): Promise<void> {
  const sb = await startRemoteSandbox({
    latencyMs: LATENCY_MS, bootDelayMs: 300, quota: { instances: 5000 },
    github: { onlineDelayMs: 100, jitPerMinute: 1_000_000, primaryLimit: 1_000_000 },
  });
  const dir = await benchDir("soak");
  const fleet: BenchFleet = {
    prefix: "soak", repository: REPOSITORY,
    // max 1000: no ceiling that would hide overshoot.
    autoscale: { minIdle: 2, max: 1000, idleTimeoutSeconds: 5 },
    serve: { port: await freePort(), secret: "soak-bench-secret", register: true, tickSeconds: 1, reconcileSeconds: 3 },
    extra: { graceSeconds: 5 },
  };
  let serve: CliProcess | undefined;
  try {
    const file = await writeFleet(dir, sb, fleet);
    serve = await startCli(["serve", "--config", file], dir, "serving ");
    await awaitReady(serve, "serve's idle floor", async () => (await sb.online(fleet.prefix)) >= 2);
    await sb.reset();
    await armFaults(sb);
    await sb.ask("watch", { prefix: fleet.prefix, everyMs: 50, detail: false });
    const started = Date.now();
    const feeding = feed(sb, jobSpecs());
    let restarts = 0;
    const failedStarts = { count: 0 };
    for (const at of KILL_AT) {
      await until(async () => (await completed(sb)) >= at, 15 * 60_000, 250);
      await serve.stop("SIGKILL");
      serve = await restart(file, dir, failedStarts);
      restarts++;
    }
    await feeding;
    await until(async () => (await completed(sb)) >= JOBS, 15 * 60_000, 250);
    const wallMs = Date.now() - started;
    const { jobs } = await sb.ask("jobs", { repository: REPOSITORY });
    const { errored } = await sb.ask("unwatch", {});
    const { serversCreated } = await sb.ask("fleet", { prefix: fleet.prefix });
    const { statuses } = await sb.ask("statuses", {});
    const drained = await drainAndClean(sb, dir, fleet, serve);
    serve = undefined;
    const done = jobs.filter((j) => j.status === "completed");
    const killed = done.filter((j) => j.conclusion !== "success").length;
    const waits = jobs.flatMap((j) => (j.startedAt === null ? [] : [j.startedAt - j.createdAt]));
    const overshoot = ((serversCreated - errored) / JOBS - 1) * 100;
    const injected = (service: string) => Object.entries(statuses).filter(([k]) => k.startsWith(`${service} 5`)).reduce((n, [, v]) => n + v, 0);
    const { row } = report;
    row(`soak: ${JOBS} jobs at ${PER_SECOND}/s through serve, ${LATENCY_MS} ms per API call`, "5% OpenStack 5xx, 2% GitHub 5xx, 3% VMs ERROR, 10% deliveries lost, 10% duplicated", `serve SIGKILLed and restarted ${restarts}× (${failedStarts.count} failed starts retried)`);
    row("soak: 5xx answered (OpenStack / GitHub)", `${OPENSTACK.reduce((n, s) => n + injected(s), 0)} / ${injected("github")}`);
    row("soak: jobs completed", `${done.length} / ${JOBS}`, `${JOBS} / ${JOBS}`);
    row("soak: jobs killed (failed, or runner deleted mid-job)", String(killed), "0");
    row("soak: job wait p50 / p95 / max", triple(spread(waits), "ms"), "boot 400 ms in this sandbox");
    row("soak: VMs created (of them ERROR)", `${serversCreated} (${errored})`, `${JOBS} jobs + the idle floor`);
    row("soak: overshoot (VMs created − ERROR ones) / jobs − 1", `${overshoot.toFixed(1)}%`, `≤ 5%${overshoot <= 5 ? "" : "  MISSED"}`);
    row("soak: drain to zero (minIdle 0), then one cleanup", drained.zeroAfterMs === undefined ? "never reached zero" : `zero after ${duration(drained.zeroAfterMs)}`, `cleanup exit ${drained.cleanupCode}`);
    row("soak: orphan VMs / orphan GitHub runners after cleanup", `${drained.orphanVms} / ${drained.orphanRunners}`, "0 / 0");
    row("soak: wall time (first job queued → last completed)", duration(wallMs));
  } finally {
    await serve?.stop("SIGTERM");
    await sb.close();
  }
}

// --- internal ---

async function armFaults(sb: RemoteSandbox): Promise<void> {
  for (const [i, service] of OPENSTACK.entries()) await sb.ask("fault", { spec: { service, kind: "status", status: 503, rate: 0.05, seed: 11 + i } });
  await sb.ask("fault", { spec: { service: "github", kind: "status", status: 500, rate: 0.02, seed: 21 } });
  await sb.ask("serverErrorRate", { rate: 0.03, seed: 31 });
  await sb.ask("webhookFaults", { faults: { lossRate: 0.1, duplicateRate: 0.1, seed: 41 } });
}

/** Job lengths 0.3–1.5 s, seeded. */
function jobSpecs(): JobSpec[] {
  const random = mulberry32(51);
  return Array.from({ length: JOBS }, () => ({ repository: REPOSITORY, durationMs: 300 + Math.round(random() * 1200) }));
}

/** Queues the jobs at PER_SECOND, each at its time (those that fell due together in one call). */
async function feed(sb: RemoteSandbox, specs: JobSpec[]): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < specs.length; ) {
    await sleep(start + (i / PER_SECOND) * 1000 - Date.now());
    const due = Math.max(i + 1, Math.min(specs.length, Math.floor(((Date.now() - start) / 1000) * PER_SECOND) + 1));
    await sb.ask("enqueue", { jobs: specs.slice(i, due) });
    i = due;
  }
}

async function completed(sb: RemoteSandbox): Promise<number> {
  return (await sb.ask("jobs", { repository: REPOSITORY })).jobs.filter((j) => j.status === "completed").length;
}

/** Starts serve again; a start that fails under the faults (e.g. a 5xx registering the hook) is retried and counted. */
async function restart(file: string, dir: string, failedStarts: { count: number }): Promise<CliProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCli(["serve", "--config", file], dir, "serving ");
    } catch (error) {
      failedStarts.count++;
      if (attempt >= 5) throw error;
    }
  }
}
