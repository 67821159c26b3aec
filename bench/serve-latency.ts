/**
 * Demand latency: signed `queued` deliveries posted by the bench straight to serve's /webhook at
 * 100 a second (no hook in the sandbox, so nothing else reaches serve), each for a new job of the
 * fleet. Latency is measured from the bench sending delivery k to the sandbox handling the k-th
 * `POST …/generate-jitconfig` and the k-th `POST /servers` of the fleet (the sandbox records a
 * runner's and a VM's creation time when it handles the request, after its 20 ms of simulated
 * latency): runners are not tied to jobs, so the k-th creation answers the k-th delivery. The
 * jobs are not in the sandbox, so no runner takes one and every runner created is for demand.
 *
 * Run alone: `./dev npx tsx bench/main.ts --only latency`.
 */
import { startRemoteSandbox } from "./remote-sandbox.js";
import { post, queuedDelivery } from "./serve-deliveries.js";
import { type Report, sleep, spread, triple, until } from "./serve-metrics.js";
import { awaitReady, benchDir, freePort, startCli, writeFleet, type CliProcess } from "./serve-process.js";

const RATE = 100;
const DELIVERIES = 600;
const LATENCY_MS = 20;
const SECRET = "latency-bench-secret";

/** Runs the latency bench and reports p50/p95. */
export async function benchServeLatency(report: Report): Promise<void> {
  const sb = await startRemoteSandbox({
    latencyMs: LATENCY_MS, bootDelayMs: 500, quota: { instances: 5000 },
    github: { onlineDelayMs: 100, jitPerMinute: 1_000_000, primaryLimit: 1_000_000 },
  });
  const dir = await benchDir("latency");
  const port = await freePort();
  let serve: CliProcess | undefined;
  try {
    const file = await writeFleet(dir, sb, {
      prefix: "lat", repository: "acme/latency",
      autoscale: { minIdle: 0, max: 1000, idleTimeoutSeconds: 3600 },
      // The periodic reconcile is pushed out of the window: only the deliveries drive serve here.
      serve: { port, secret: SECRET, register: false, tickSeconds: 60, reconcileSeconds: 600 },
    });
    serve = await startCli(["serve", "--config", file], dir, "serving ");
    await sleep(3000);
    const url = `http://127.0.0.1:${port}/webhook`;
    // Built and signed before the clock starts, so the sender keeps its rate.
    const deliveries = Array.from({ length: DELIVERIES }, (_, i) => queuedDelivery(SECRET, sb.githubUrl, 70_000_000 + i, "acme/latency"));
    const sent: number[] = [];
    const answers: Promise<{ status: number; ms: number }>[] = [];
    const start = Date.now();
    for (let i = 0; i < DELIVERIES; i++) {
      await sleep(start + (i * 1000) / RATE - Date.now());
      sent.push(Date.now());
      answers.push(post(url, deliveries[i]!));
    }
    const sendMs = Date.now() - start;
    const answered = await Promise.all(answers);
    await awaitReady(serve, `${DELIVERIES} VMs created`, async () => (await sb.ask("timeline", { prefix: "lat" })).vms.length >= DELIVERIES, 120_000);
    await until(async () => (await sb.ask("timeline", { prefix: "lat" })).runners.length >= DELIVERIES, 10_000);
    const { vms, runners } = await sb.ask("timeline", { prefix: "lat" });
    const jit = sent.map((at, k) => (runners[k] ?? NaN) - at);
    const create = sent.map((at, k) => (vms[k] ?? NaN) - at);
    const accepted = answered.filter((a) => a.status >= 200 && a.status < 300).length;
    const { row } = report;
    row(`demand latency: ${DELIVERIES} signed deliveries at ${RATE}/s to /webhook`, `sent in ${(sendMs / 1000).toFixed(1)} s (${((DELIVERIES * 1000) / sendMs).toFixed(0)}/s), ${accepted} accepted`, `${LATENCY_MS} ms per API call; minIdle 0, max 1000`);
    row("demand latency: delivery sent → its JIT config issued, p50 / p95 / max", triple(spread(jit), "ms"));
    row("demand latency: delivery sent → its VM create issued, p50 / p95 / max", triple(spread(create), "ms"), "k-th delivery → k-th POST /servers, as the sandbox handled it");
    row("demand latency: serve's /webhook answer, p50 / p95 / max", triple(spread(answered.map((a) => a.ms)), "ms"));
  } finally {
    await serve?.stop("SIGTERM");
    await sb.close();
  }
}
