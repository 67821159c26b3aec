/**
 * The demo's story, step by step (steps 3–10; demo.ts does the setup and the teardown): reconcile,
 * runners online, jobs make them busy, ephemeral runners consumed, replenish, flush, cleanup, metrics.
 */
import type { OperationReport } from "../manager/apply.js";
import type { RunnerManager } from "../manager/runner-manager.js";
import { CloudRunnerState, FlushMode } from "../manager/types.js";
import type { Sandbox } from "../sandbox/index.js";
import { formatDuration } from "./duration.js";
import { type CliIo, println } from "./io.js";
import { readMetricEvents, renderEvents } from "./metrics-view.js";
import { plural } from "./output.js";
import type { Progress } from "./progress.js";
import { countRunners, countsLine, outcomeTotals, reconcileLine, renderOutcomes, renderRunners, statsLine } from "./report.js";
import { type Check, waitUntil } from "./wait.js";

/** Total steps, teardown included. */
export const STEPS = 11;

/** What the demo is asked to show. */
export interface DemoOptions {
  runners: number;
  jobs: number;
  jobDurationMs: number;
  /** Longest wait for any one step. */
  timeoutMs: number;
  repository: string;
}

/** Everything the story needs, set up by demo.ts. */
export interface Story {
  io: CliIo;
  sandbox: Sandbox;
  manager: RunnerManager;
  progress: Progress;
  options: DemoOptions;
  say(step: number, text: string): void;
  metricsFile: string;
}

/** Runs steps 3–10; throws (after printing what it saw) when a step times out. */
export async function runStory(s: Story): Promise<void> {
  const { manager, options: o } = s;
  s.say(3, `reconciling to ${o.runners} runners: a JIT registration on GitHub and a VM each`);
  await reconcile(s);
  s.say(4, "waiting for the VMs to boot and their runners to come online");
  await waitFor(s, `${o.runners} runners online`, o.runners, async () => {
    const c = countRunners(await manager.getRunners());
    return { done: c.idle + c.busy >= o.runners, status: `${c.idle + c.busy} online`, count: c.idle + c.busy };
  });
  await showStatus(s);

  s.say(5, `queueing ${plural(o.jobs, "job")} on ${o.repository} (each runs ${formatDuration(o.jobDurationMs)})`);
  for (let i = 1; i <= o.jobs; i++) s.sandbox.enqueueJob({ repository: o.repository, durationMs: o.jobDurationMs, workflow: `demo job ${i}` });
  await waitFor(s, `${plural(o.jobs, "busy runner")}`, o.jobs, async () => {
    const c = countRunners(await manager.getRunners());
    return { done: c.busy >= o.jobs, status: `${c.busy} busy`, count: c.busy };
  });
  await showStatus(s);

  s.say(6, "waiting for the jobs to finish: each ephemeral runner deregisters and its VM powers off");
  await waitFor(s, "the jobs to finish", o.jobs, async () => {
    const done = s.sandbox.jobs().filter((j) => j.status === "completed").length;
    return { done: done >= o.jobs, status: `${done} of ${o.jobs} finished`, count: done };
  });
  await waitFor(s, "the used runners' VMs to power off", o.jobs, async () => {
    const consumed = (await manager.getRunners()).filter((r) => !r.githubState && r.cloudState === CloudRunnerState.Stopped).length;
    return { done: consumed >= o.jobs, status: `${consumed} powered off`, count: consumed };
  });
  await showStatus(s);

  s.say(7, "reconciling again: cleanup removes the used runners and new ones replace them");
  await reconcile(s);
  await waitFor(s, `${o.runners} runners online`, o.runners, async () => {
    const c = countRunners(await manager.getRunners());
    return { done: c.idle >= o.runners, status: `${c.idle} idle`, count: c.idle };
  });
  await showStatus(s);

  s.say(8, "flushing idle runners (as after an image update): each is deregistered first, then its VM deleted");
  const flushed = await manager.flushRunnersWithReport(FlushMode.FlushIdle);
  printOperation(s, flushed);

  s.say(9, "cleaning up: dangling runners, dead or stopped VMs, timed-out runners, duplicates");
  printOperation(s, await manager.cleanupWithReport());
  // Nova lists a server being deleted for a moment (task_state "deleting"); wait until it is gone.
  await waitFor(s, "the deleted VMs to disappear", 0, async () => {
    const left = (await manager.getRunners()).length;
    return { done: left === 0, status: `${left} still listed`, count: 0 };
  });
  await showStatus(s);

  s.say(10, `metric events written to ${s.metricsFile}`);
  const events = await readMetricEvents(s.metricsFile);
  indent(s, events.length === 0 ? "none" : renderEvents(events));
}

// --- internal ---

async function reconcile(s: Story): Promise<void> {
  const start = Date.now();
  s.progress.start("reconciling");
  const onProgress = s.progress.counter("reconciling: creating runners");
  const report = await s.manager.reconcile(s.options.runners, { onProgress }).finally(() => s.progress.stop());
  indent(s, reconcileLine(report, Date.now() - start));
}

async function waitFor(s: Story, what: string, total: number, check: () => Promise<Check & { count: number }>): Promise<void> {
  const start = Date.now();
  s.progress.start(`waiting for ${what}`, total);
  try {
    await waitUntil(what, check, {
      timeoutMs: s.options.timeoutMs,
      signal: s.io.signal,
      onCheck: (c) => s.progress.update(c.count),
    });
  } finally {
    s.progress.stop();
  }
  indent(s, `${what} after ${formatDuration(Date.now() - start)}`);
}

async function showStatus(s: Story): Promise<void> {
  const runners = await s.manager.getRunners();
  indent(s, runners.length === 0 ? "no runners" : renderRunners(runners, new Date()));
  indent(s, countsLine(countRunners(runners)));
}

function printOperation(s: Story, report: OperationReport): void {
  if (report.outcomes.length > 0) indent(s, renderOutcomes(report.outcomes));
  indent(s, outcomeTotals(report));
  indent(s, statsLine(report.stats));
}

function indent(s: Story, text: string): void {
  for (const line of text.split("\n")) println(s.io.stdout, `  ${line}`);
}
