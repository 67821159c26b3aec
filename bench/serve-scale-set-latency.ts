/**
 * Demand latency of the scale-set source beside the webhook source, as one measure: a job queued
 * in the sandbox (its enqueue time) → the sandbox handling the `POST /servers` of the VM serve
 * creates for it. 100 jobs at 10 a second, minIdle 0, each run on a fresh sandbox with serve in
 * its own process. Runners are not tied to jobs, so the k-th VM created answers the k-th job
 * (serve-latency.ts does the same); VMs are read from the sandbox's watcher, so the ones already
 * deleted after their job count too. Unlike `latency` (deliveries posted straight to /webhook),
 * the webhook run here goes through the sandbox's own hook, as GitHub's would.
 *
 * The scale set runs twice: with a 1 s long-poll window and with GitHub's ≈ 50 s. A job message
 * wakes the poll the moment it is queued, so the window should add nothing; equal figures for the
 * two windows are the check.
 *
 * Run alone: `./dev npx tsx bench/main.ts --only scale-set-latency`.
 */
import { startRemoteSandbox } from "./remote-sandbox.js";
import { type Report, sleep, spread, triple } from "./serve-metrics.js";
import { awaitReady, benchDir, type CliProcess, freePort, startCli, writeFleet } from "./serve-process.js";

const JOBS = 100;
const RATE = 10;
const LATENCY_MS = 20;
const JOB_MS = 2000;
const REPOSITORY = "acme/ss-latency";

/** One way demand reaches serve: webhooks, or the scale set with a long-poll window. */
type Source = { kind: "webhook" } | { kind: "scale-set"; longPollMs: number };

/** What one run measured, in ms. */
interface LatencyRun {
  create: number[];
  wait: number[];
  vmsCreated: number;
  sendMs: number;
}

/** Runs the webhook source and the scale set with two windows; one row per figure and source. */
export async function benchServeScaleSetLatency(report: Report): Promise<void> {
  const sources: [string, Source][] = [
    ["webhook (sandbox hook → /webhook)", { kind: "webhook" }],
    ["scale set, long poll 1 s", { kind: "scale-set", longPollMs: 1000 }],
    ["scale set, long poll 50 s (GitHub's)", { kind: "scale-set", longPollMs: 50_000 }],
  ];
  const runs: [string, LatencyRun][] = [];
  for (const [name, source] of sources) runs.push([name, await runLatency(source)]);
  const { row } = report;
  row(`scale-set latency: ${JOBS} jobs queued in the sandbox at ${RATE}/s, minIdle 0`, `${LATENCY_MS} ms per API call, sandbox tick 25 ms`, "k-th job queued → k-th POST /servers");
  for (const [name, run] of runs) {
    row(`scale-set latency, ${name}: job queued → VM create issued, p50 / p95 / max`, triple(spread(run.create), "ms"), `${run.vmsCreated} VMs for ${JOBS} jobs; queued in ${(run.sendMs / 1000).toFixed(1)} s`);
  }
  for (const [name, run] of runs) row(`scale-set latency, ${name}: job wait (queued → started), p50 / p95 / max`, triple(spread(run.wait), "ms"), "boot 500 ms + online 100 ms");
  const [one, fifty] = [runs[1]![1], runs[2]![1]];
  const ratio = spread(fifty.create).p50 / spread(one.create).p50;
  row("scale-set latency: p50 with the 50 s window / with the 1 s window", `×${ratio.toFixed(2)}`, "≈ 1: a job message wakes the poll at once");
}

/** One run on a fresh sandbox: serve up, jobs queued at RATE, every VM waited for. */
async function runLatency(source: Source): Promise<LatencyRun> {
  const sb = await startRemoteSandbox({
    latencyMs: LATENCY_MS, bootDelayMs: 500, quota: { instances: 5000 },
    github: { onlineDelayMs: 100, jitPerMinute: 1_000_000, primaryLimit: 1_000_000, ...(source.kind === "scale-set" ? { actions: { longPollMs: source.longPollMs } } : {}) },
  });
  const name = source.kind === "webhook" ? "wh" : `ss${source.longPollMs}`;
  const dir = await benchDir(`ss-latency-${name}`);
  const prefix = `lat-${name}`;
  let serve: CliProcess | undefined;
  try {
    const file = await writeFleet(dir, sb, {
      prefix, repository: REPOSITORY,
      // idleTimeout 1 h and the periodic reconcile pushed out: only demand drives serve here.
      autoscale: { minIdle: 0, max: 1000, idleTimeoutSeconds: 3600 },
      serve: { port: await freePort(), secret: "ss-latency-secret", register: true, tickSeconds: 60, reconcileSeconds: 600 },
      ...(source.kind === "scale-set" ? { scaleSet: prefix } : {}),
    });
    serve = await startCli(["serve", "--config", file], dir, "serving ");
    // "serving" is printed once the session is open (scale set) or the hook registered (webhook).
    await sleep(2000);
    await sb.ask("watch", { prefix, everyMs: 50, detail: false });
    const start = Date.now();
    for (let i = 0; i < JOBS; ) {
      await sleep(start + (i * 1000) / RATE - Date.now());
      const due = Math.max(i + 1, Math.min(JOBS, Math.floor(((Date.now() - start) / 1000) * RATE) + 1));
      await sb.ask("enqueue", { jobs: Array.from({ length: due - i }, () => ({ repository: REPOSITORY, durationMs: JOB_MS })) });
      i = due;
    }
    const sendMs = Date.now() - start;
    const jobsDone = async () => (await sb.ask("jobs", { repository: REPOSITORY })).jobs.filter((j) => j.status === "completed").length >= JOBS;
    await awaitReady(serve, `${JOBS} jobs completed`, jobsDone, 120_000);
    const { created } = await sb.ask("unwatch", {});
    const { jobs } = await sb.ask("jobs", { repository: REPOSITORY });
    const queued = jobs.map((j) => j.createdAt).sort((x, y) => x - y);
    return {
      create: queued.map((at, k) => (created[k] ?? NaN) - at),
      wait: jobs.flatMap((j) => (j.startedAt === null ? [] : [j.startedAt - j.createdAt])),
      vmsCreated: created.length,
      sendMs,
    };
  } finally {
    await serve?.stop("SIGTERM");
    await sb.close();
  }
}
