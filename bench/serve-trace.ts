/**
 * The trace bench: the same bursty day (bench/serve-trace-gen.ts) against the fixed fleet and
 * against serve; job wait and idle VM-minutes side by side, and the chart of serve's day, also
 * written to bench/trace-chart.txt for the README. The same day with scale-set demand is its own
 * entry (bench/serve-trace-scale-set.ts: a third 4-minute day would make this one too slow).
 *
 * Run alone: `./dev npx tsx bench/main.ts --only trace` (both sources: `--only trace,trace-scale-set`).
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderChart } from "./serve-chart.js";
import { idleVmMinutes, type Report, type Row, spread, triple } from "./serve-metrics.js";
import { BOOT_MS, MIN_IDLE, runTrace, type TraceRun } from "./serve-trace-run.js";
import { BOOT_REAL_SECONDS, COMPRESSION, generateTrace, realSeconds, scaledMs, type Trace } from "./serve-trace-gen.js";

const CHART_FILE = fileURLToPath(new URL("./trace-chart.txt", import.meta.url));

/** Runs the trace twice and reports both runs. */
export async function benchServeTrace(report: Report): Promise<void> {
  const trace = generateTrace();
  const fixed = await runTrace("fixed", trace);
  const serve = await runTrace("serve", trace);
  const boot = BOOT_MS.vm + BOOT_MS.online;
  const { row } = report;
  row(
    `trace: ${trace.jobs.length} jobs over a day ×${COMPRESSION} (${(trace.dayMs / 1000).toFixed(0)} s), peak ${trace.peak} running`,
    `boot ${boot} ms (${BOOT_REAL_SECONDS} s real), fixed fleet ${trace.peak} runners, serve minIdle ${MIN_IDLE} max ${2 * trace.peak}`,
    "seed 42; 1 bench ms = 0.36 real s",
  );
  waitRows(row, "fixed fleet (reconcile --every 5m real)", fixed, trace);
  waitRows(row, "serve", serve, trace);
  const idleFixed = idleVmMinutes(fixed.samples, trace.dayMs, COMPRESSION);
  const idleServe = idleVmMinutes(serve.samples, trace.dayMs, COMPRESSION);
  const ratio = idleServe / idleFixed;
  row("trace: idle VM-minutes over the day, fixed vs serve", `${idleFixed.toFixed(0)} vs ${idleServe.toFixed(0)} real min`, `serve ≤ 0.3× fixed: ×${ratio.toFixed(2)}${ratio <= 0.3 ? "" : "  MISSED"}`);
  row("trace: VMs created, fixed vs serve", `${fixed.vmsCreated} vs ${serve.vmsCreated}`, `${trace.jobs.length} jobs`);
  row("trace: API calls over the day (GitHub / OpenStack), fixed vs serve", `${fixed.api.github} / ${fixed.api.openstack} vs ${serve.api.github} / ${serve.api.openstack}`);
  const chart = renderChart(serve.samples, { dayMs: trace.dayMs, hours: 24, title: `serve over the trace's day (${trace.jobs.length} jobs, ×${COMPRESSION}: the day ran in ${(trace.dayMs / 1000).toFixed(0)} s; minIdle ${MIN_IDLE})` });
  await writeFile(CHART_FILE, `${chart}\n`);
  report.block(chart);
}

/** The job-wait row of one run (bench ms and real seconds, against boot + 5 s real), and the jobs that never started. */
export function waitRows(row: Row, name: string, run: TraceRun, trace: Trace): void {
  const goal = BOOT_MS.vm + BOOT_MS.online + scaledMs(5);
  const waits = waitsOf(run);
  const w = spread(waits);
  const real = { p50: realSeconds(w.p50), p95: realSeconds(w.p95), max: realSeconds(w.max) };
  row(`trace, ${name}: job wait p50 / p95 / max`, `${triple(w, "ms")} (${triple(real, "s real")})`, `p95 ≤ ${goal.toFixed(0)} ms (boot + 5 s real)${w.p95 <= goal ? "" : "  MISSED"}`);
  if (waits.length < trace.jobs.length) row(`trace, ${name}: jobs that never started`, String(trace.jobs.length - waits.length), "0");
}

/** Job waits in bench ms (startedAt − createdAt, sandbox clock), of the jobs that started. */
function waitsOf(run: TraceRun): number[] {
  return run.jobs.flatMap((j) => (j.startedAt === null ? [] : [j.startedAt - j.createdAt]));
}
