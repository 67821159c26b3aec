/**
 * The trace bench's day (bench/serve-trace-gen.ts) once more, through serve with demand from the
 * fleet's runner scale set instead of webhooks: the same floor, ceiling and retirement, and rows
 * named like `trace`'s, so `--only trace,trace-scale-set` prints them beside the webhook ones. Its
 * own entry because the day alone takes 4 minutes: inside `trace` it would make that bench 13.
 * The chart goes to bench/trace-chart-scale-set.txt (bench/trace-chart.txt stays the webhook day's).
 *
 * Run alone: `./dev npx tsx bench/main.ts --only trace-scale-set`.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderChart } from "./serve-chart.js";
import { idleVmMinutes, type Report } from "./serve-metrics.js";
import { waitRows } from "./serve-trace.js";
import { BOOT_MS, MIN_IDLE, runTrace } from "./serve-trace-run.js";
import { BOOT_REAL_SECONDS, COMPRESSION, generateTrace, scaledMs } from "./serve-trace-gen.js";

const CHART_FILE = fileURLToPath(new URL("./trace-chart-scale-set.txt", import.meta.url));

/** Runs the day with scale-set demand and reports it. */
export async function benchServeTraceScaleSet(report: Report): Promise<void> {
  const trace = generateTrace();
  const run = await runTrace("scale-set", trace);
  const { row } = report;
  row(
    `trace, scale set: ${trace.jobs.length} jobs over a day ×${COMPRESSION} (${(trace.dayMs / 1000).toFixed(0)} s), serve minIdle ${MIN_IDLE} max ${2 * trace.peak}`,
    `boot ${BOOT_MS.vm + BOOT_MS.online} ms (${BOOT_REAL_SECONDS} s real); long poll ${Math.round(scaledMs(50))} ms (GitHub's 50 s, compressed)`,
    "seed 42, as `trace`",
  );
  waitRows(row, "serve, scale-set demand", run, trace);
  const idle = idleVmMinutes(run.samples, trace.dayMs, COMPRESSION);
  row("trace, serve, scale-set demand: idle VM-minutes over the day", `${idle.toFixed(0)} real min`, "beside `trace`'s serve (webhooks)");
  row("trace, serve, scale-set demand: VMs created", String(run.vmsCreated), `${trace.jobs.length} jobs`);
  row("trace, serve, scale-set demand: API calls over the day (GitHub incl. Actions service / OpenStack)", `${run.api.github} / ${run.api.openstack}`);
  const chart = renderChart(run.samples, { dayMs: trace.dayMs, hours: 24, title: `serve with scale-set demand over the trace's day (${trace.jobs.length} jobs, ×${COMPRESSION}: the day ran in ${(trace.dayMs / 1000).toFixed(0)} s; minIdle ${MIN_IDLE})` });
  await writeFile(CHART_FILE, `${chart}\n`);
  report.block(chart);
}
