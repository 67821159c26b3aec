/**
 * Footprint: `runner-fleet serve` (compiled, plain node, its own process) holding 1,000 runners
 * (minIdle = max = 1000), before and after a stretch of churn: jobs queued at a steady rate for
 * 150 s, each taking one of the idle runners, which serve then replaces. RSS is VmRSS of
 * /proc/<pid>/status, heap is serve's own `nodejs_heap_size_used_bytes` from /metrics; each is the
 * lowest of five samples a second apart, so a pending garbage collection does not read as growth.
 *
 * Run alone: `./dev npx tsx bench/main.ts --only footprint`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startRemoteSandbox, type RemoteSandbox } from "./remote-sandbox.js";
import { type Report, sleep } from "./serve-metrics.js";
import { awaitReady, benchDir, type CliProcess, freePort, rssMb, startCli, writeFleet } from "./serve-process.js";

/** The memory settings examples/serve (systemd unit, Containerfile) gives serve. */
const SERVE_ENV = { MALLOC_ARENA_MAX: "2", NODE_OPTIONS: "--max-semi-space-size=2" };

const RUNNERS = 1000;
const CHURN_MS = 150_000;
const JOBS_PER_SECOND = 8;
const REPOSITORY = "acme/footprint";
const TARGET_MB = 150;

/** Memory of serve at one moment. */
interface Footprint {
  rss: number;
  heap: number;
}

/** Runs the footprint bench and reports RSS and heap at 0 runners, at 1,000, and after the churn. */
export async function benchServeFootprint(report: Report): Promise<void> {
  const sb = await startRemoteSandbox({
    latencyMs: 5, bootDelayMs: 500, quota: { instances: 5000 },
    github: { onlineDelayMs: 100, jitPerMinute: 1_000_000, primaryLimit: 1_000_000 },
  });
  const dir = await benchDir("footprint");
  const port = await freePort();
  let serve: CliProcess | undefined;
  try {
    const file = await writeFleet(dir, sb, {
      prefix: "fp", repository: REPOSITORY,
      autoscale: { minIdle: RUNNERS, max: RUNNERS, idleTimeoutSeconds: 3600 },
      serve: { port, secret: "footprint-bench-secret", register: true, tickSeconds: 5, reconcileSeconds: 15 },
    });
    const bare = await bareNodeMb();
    // As examples/serve runs it: one malloc arena pair and small young generations keep RSS near the heap.
    serve = await startCli(["serve", "--config", file], dir, "serving ", 60_000, SERVE_ENV);
    const empty = await footprint(serve, port);
    await awaitReady(serve, `${RUNNERS} runners online`, async () => (await sb.online("fp")) >= RUNNERS, 300_000);
    const before = await footprint(serve, port);
    const jobs = await churn(sb);
    await awaitReady(serve, `${RUNNERS} runners online again`, async () => (await sb.online("fp")) >= RUNNERS, 300_000);
    const after = await footprint(serve, port);
    const { jobs: all } = await sb.ask("jobs", { repository: REPOSITORY });
    const done = all.filter((j) => j.status === "completed").length;
    const { row } = report;
    const show = (f: Footprint) => `${f.rss.toFixed(0)} MB RSS, ${f.heap.toFixed(0)} MB heap`;
    row(`footprint: serve at 0 runners (bare node ${bare.toFixed(0)} MB RSS; ${Object.entries(SERVE_ENV).map(([k, v]) => `${k}=${v}`).join(" ")})`, show(empty));
    row(`footprint: serve holding ${RUNNERS} runners, before churn`, show(before), `< ${TARGET_MB} MB RSS${before.rss < TARGET_MB ? "" : "  MISSED"}`);
    row(`footprint: after ${(CHURN_MS / 1000).toFixed(0)} s of churn (${jobs} jobs queued, ${done} done)`, show(after), `< ${TARGET_MB} MB RSS${after.rss < TARGET_MB ? "" : "  MISSED"}`);
    const growth = after.rss - before.rss;
    row("footprint: growth with jobs served (after − before)", `${growth >= 0 ? "+" : ""}${growth.toFixed(0)} MB RSS, ${after.heap - before.heap >= 0 ? "+" : ""}${(after.heap - before.heap).toFixed(0)} MB heap`, "≈ 0");
  } finally {
    await serve?.stop("SIGTERM");
    await sb.close();
  }
}

// --- internal ---

/** Queues jobs for CHURN_MS at JOBS_PER_SECOND (each 2 s long); resolves to how many. */
async function churn(sb: RemoteSandbox): Promise<number> {
  const start = Date.now();
  let queued = 0;
  while (Date.now() - start < CHURN_MS) {
    const due = Math.floor(((Date.now() - start) / 1000) * JOBS_PER_SECOND) - queued;
    if (due > 0) await sb.ask("enqueue", { jobs: Array.from({ length: due }, () => ({ repository: REPOSITORY, durationMs: 2000 })) });
    queued += Math.max(0, due);
    await sleep(100);
  }
  return queued;
}

/** The lowest RSS and heap of five samples a second apart. */
async function footprint(serve: CliProcess, port: number): Promise<Footprint> {
  const samples: Footprint[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(1000);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const heap = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(metrics)?.[1] ?? NaN) / 2 ** 20;
    samples.push({ rss: await rssMb(serve.pid), heap });
  }
  return { rss: Math.min(...samples.map((s) => s.rss)), heap: Math.min(...samples.map((s) => s.heap)) };
}

/** RSS of a node process that loads nothing, for reference. */
async function bareNodeMb(): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", "console.log(process.memoryUsage().rss)"]);
  return Number(stdout) / 2 ** 20;
}
