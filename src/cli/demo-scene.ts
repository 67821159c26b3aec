/**
 * The Pulumi demo's steps (demo-pulumi.ts tells the story): one engine operation with its plan or
 * result, the runners as the sandbox has them, bounded waits, the stack history, the final check.
 */
import { createFleetManager, type FleetManager } from "../fleet/create-runner-manager.js";
import { FleetError } from "../manager/errors.js";
import { CloudRunnerState } from "../manager/types.js";
import type { Sandbox } from "../sandbox/index.js";
import { formatDuration } from "./duration.js";
import { type CliIo, println } from "./io.js";
import { plural } from "./output.js";
import type { Progress } from "./progress.js";
import { countRunners, countsLine, type FleetCounts, renderRunners } from "./report.js";
import { renderChangeSummary, renderSteps } from "./stack-render.js";
import { collect, type EngineReport, engineError, type Stack } from "./stack-session.js";
import { waitUntil } from "./wait.js";

/** The longest one engine operation may take (the program's own waits are 2 minutes at most). */
const ENGINE_TIMEOUT_MS = 5 * 60_000;

/** What every step works with. */
export interface DemoScene {
  io: CliIo;
  sandbox: Sandbox;
  stack: Stack;
  /** The fleet's prefix: `${stack}-ci` (RunnerFleet "ci" derives it from the stack). */
  prefix: string;
  /** `owner/repo` the fleet's runners register to. */
  repository: string;
  progress: Progress;
  timeoutMs: number;
  verbose: boolean;
  /** A read-only manager of the fleet, for the status tables (made on first use). */
  manager?: FleetManager;
}

/** `pulumi preview`, `up` or `destroy` of the whole stack, with its plan or result in a few lines. */
export async function pulumiStep(s: DemoScene, op: "preview" | "up" | "destroy", message = `runner-fleet demo: ${op}`): Promise<void> {
  const start = Date.now();
  const { report, onEvent } = collect(s.verbose ? (line) => s.progress.print(line) : undefined);
  s.progress.start(`pulumi ${op} of stack ${s.stack.name}`);
  // Bounded like every other wait: the engine is interrupted (SIGINT, it cancels cleanly) past the limit.
  const limit = AbortSignal.timeout(ENGINE_TIMEOUT_MS);
  const signal = AbortSignal.any([s.io.signal, limit]);
  let summary: Record<string, number | undefined>;
  try {
    if (op === "preview") summary = (await s.stack.preview({ onEvent, signal })).changeSummary;
    else if (op === "up") summary = (await s.stack.up({ onEvent, message, signal })).summary.resourceChanges ?? {};
    else summary = (await s.stack.destroy({ onEvent, message, signal })).summary.resourceChanges ?? {};
  } catch (error) {
    if (limit.aborted) throw new FleetError("timeout", `pulumi ${op} did not finish within ${formatDuration(ENGINE_TIMEOUT_MS)}`, { cause: error });
    throw engineError(op, error, report.logs);
  } finally {
    s.progress.stop();
  }
  indent(s, `pulumi ${op} (${formatDuration(Date.now() - start)}): ${renderChangeSummary(summary, op !== "preview")}`);
  for (const line of [...renderSteps(report.steps), ...notable(report)]) indent(s, `  ${line}`);
}

/** The fleet's runners as the sandbox has them: a table and the counts. */
export async function showStatus(s: DemoScene): Promise<void> {
  const runners = await managerOf(s).manager.getRunners();
  if (runners.length === 0) indent(s, "no runners");
  else for (const line of renderRunners(runners, new Date()).split("\n")) indent(s, line);
  indent(s, countsLine(countRunners(runners)));
}

/** Waits (bounded) until the fleet's counts satisfy `done`. */
export async function waitForRunners(s: DemoScene, what: string, done: (c: FleetCounts) => boolean): Promise<void> {
  await wait(s, what, async () => {
    const c = countRunners(await managerOf(s).manager.getRunners());
    return { done: done(c), status: `${c.idle} idle, ${c.busy} busy` };
  });
}

/** Waits (bounded) until `jobs` jobs finished and their runners' VMs powered off. */
export async function waitForJobs(s: DemoScene, jobs: number): Promise<void> {
  await wait(s, "the jobs to finish", async () => {
    const finished = s.sandbox.jobs().filter((j) => j.status === "completed").length;
    return { done: finished >= jobs, status: `${finished} of ${jobs} finished` };
  });
  await wait(s, "the used runners' VMs to power off", async () => {
    const used = (await managerOf(s).manager.getRunners()).filter((r) => !r.githubState && r.cloudState === CloudRunnerState.Stopped).length;
    return { done: used >= jobs, status: `${used} powered off` };
  });
}

/** The stack's updates, oldest first. */
export async function printHistory(s: DemoScene): Promise<void> {
  const history = [...(await s.stack.history())].reverse();
  history.forEach((h, i) => indent(s, `${String(i + 1).padStart(2)}  ${h.kind.padEnd(7)} ${h.result.padEnd(9)} ${renderChangeSummary(h.resourceChanges ?? {}, true).padEnd(30)} ${h.message}`));
}

/** Waits (bounded) for the sandbox to have no VM and no GitHub runner of the fleet; throws if some stay. */
export async function checkNothingLeft(s: DemoScene): Promise<void> {
  const left = () => ({
    vms: s.sandbox.servers().filter((v) => v.name.startsWith(`${s.prefix}-`)).length,
    runners: s.sandbox.githubRunners().filter((r) => r.name.startsWith(`${s.prefix}-`)).length,
  });
  // A deleted VM stays listed (task_state "deleting") for a moment.
  await wait(s, "the deleted VMs to disappear", async () => {
    const l = left();
    return { done: l.vms === 0 && l.runners === 0, status: `${plural(l.vms, "VM")} and ${plural(l.runners, "GitHub runner")} left` };
  }).catch((error: unknown) => {
    throw new FleetError("demo_leftovers", `the destroy left ${plural(left().vms, "VM")} and ${plural(left().runners, "GitHub runner")} behind`, { cause: error });
  });
  indent(s, "left behind in the sandbox: 0 VMs, 0 GitHub runners");
}

// --- internal ---

/** The provider's lines, plus metric counts. */
function notable(report: EngineReport): string[] {
  const lines = [...report.logs];
  const byEvent = new Map<string, number>();
  for (const m of report.metrics) byEvent.set(String(m.event), (byEvent.get(String(m.event)) ?? 0) + 1);
  if (byEvent.size > 0) lines.push(`metric events: ${[...byEvent].map(([e, n]) => `${e} ×${n}`).join(", ")}`);
  return lines;
}

function managerOf(s: DemoScene): FleetManager {
  s.manager ??= createFleetManager(
    {
      prefix: s.prefix,
      runners: 0,
      image: "ubuntu-24.04",
      flavor: "m1.small",
      network: "runners-net",
      github: { path: s.repository, apiUrl: s.sandbox.githubUrl, token: s.sandbox.githubToken },
      openstack: { cloud: s.sandbox.cloudName, cloudsYaml: s.sandbox.cloudsYaml },
    },
    { env: {}, ...s.io.runtime },
  );
  return s.manager;
}

async function wait(s: DemoScene, what: string, check: () => Promise<{ done: boolean; status: string }>): Promise<void> {
  const start = Date.now();
  s.progress.start(`waiting for ${what}`);
  try {
    await waitUntil(what, check, { timeoutMs: s.timeoutMs, signal: s.io.signal });
  } finally {
    s.progress.stop();
  }
  indent(s, `${what} after ${formatDuration(Date.now() - start)}`);
}

function indent(s: DemoScene, line: string): void {
  println(s.io.stdout, `  ${line}`);
}
