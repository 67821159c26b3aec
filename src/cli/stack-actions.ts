/**
 * `flush --stack S` / `cleanup --stack S`: the fleet's flush and cleanup operation resources run
 * through the Pulumi Automation API (reference pulumi-engine §5.2), so they show in
 * `pulumi stack history`: set the trigger config a program wires into RunnerFleet's `flush` /
 * `cleanup` args, preview targeted at the operations, then (unless `--preview`) `up` targeted at
 * them, and print what ran from the operations' `lastRun` outputs.
 */
import { ConfigError, FleetError } from "../manager/errors.js";
import { formatDuration } from "./duration.js";
import { ExitCode } from "./errors.js";
import { type CliIo, println } from "./io.js";
import { printJson } from "./output.js";
import { Progress } from "./progress.js";
import type { StackTarget } from "./stack-flags.js";
import { renderChangeSummary, renderLastRun, renderSteps } from "./stack-render.js";
import { collect, engineError, openStack, setConfigFor, type Stack } from "./stack-session.js";
import { findOperations, type FleetResource, type LastRun, lastRunOf, type OperationKind, resourcesOf, wiring } from "./stack-state.js";

/** A flush or cleanup to run on a stack. */
export interface StackActionRequest extends StackTarget {
  kind: OperationKind;
  /** Flush only (default idle). */
  mode?: "idle" | "busy";
  /** Preview only: nothing runs, the config is put back. */
  preview: boolean;
  json?: boolean;
  verbose?: boolean;
}

/** Runs the stack action and prints the plan and what ran; the exit code of the command. */
export async function runStackAction(request: StackActionRequest, io: CliIo, env: Record<string, string | undefined> = io.env): Promise<ExitCode> {
  const progress = new Progress(io);
  const what = request.kind === "flush" ? `flush (${request.mode ?? "idle"})` : "cleanup";
  progress.start(`selecting stack ${request.stack} in ${request.projectDir}`);
  const stack = await openStack(request, env).finally(() => progress.stop());
  const targets = findOperations(resourcesOf(await stack.exportStack()), request.kind, request.stack, request.fleet);
  const trigger = new Date().toISOString();
  const values: Record<string, string> =
    request.kind === "flush" ? { "runner-fleet:flushMode": request.mode ?? "idle", "runner-fleet:flushTrigger": trigger } : { "runner-fleet:cleanupTrigger": trigger };
  if (!request.json) println(io.stdout, `stack ${request.stack}: ${what} of ${targets.map((t) => t.fleet).join(", ")} (${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(", ")})`);

  const restore = await setConfigFor(stack, values);
  let ran: { fleet: string; lastRun: LastRun }[] | undefined;
  try {
    const planned = await previewAction(stack, targets, request, io, progress);
    if (request.preview) {
      if (request.json) printJson(io.stdout, { stack: request.stack, kind: request.kind, trigger, preview: true, planned, ran: [] });
      else println(io.stdout, `preview only: nothing ran, and ${Object.keys(values).join(" and ")} are back as they were`);
      return ExitCode.Ok;
    }
    ran = await upAction(stack, targets, request, trigger, io, progress);
    if (request.json) printJson(io.stdout, { stack: request.stack, kind: request.kind, trigger, preview: false, planned, ran: ran.map((r) => ({ fleet: r.fleet, ...r.lastRun })) });
    return ExitCode.Ok;
  } finally {
    // Only a completed action keeps its trigger; otherwise the next plain `pulumi up` would run it.
    if (ran === undefined) await restore();
  }
}

// --- internal ---

async function previewAction(stack: Stack, targets: FleetResource[], request: StackActionRequest, io: CliIo, progress: Progress) {
  const start = Date.now();
  const { report, onEvent } = collect(request.verbose ? (line) => progress.print(line) : undefined);
  progress.start(`pulumi preview of stack ${request.stack}, targets ${targets.map((t) => `${t.fleet}-${request.kind}`).join(", ")}`);
  const result = await stack
    .preview({ target: targets.map((t) => t.urn), onEvent, signal: io.signal })
    .catch((error: unknown) => {
      throw engineError("preview", error, report.logs);
    })
    .finally(() => progress.stop());
  const unplanned = targets.filter((t) => !report.steps.some((s) => s.name === `${t.fleet}-${request.kind}` && s.op === "update"));
  if (unplanned.length > 0) {
    throw new ConfigError([{ path: `runner-fleet:${request.kind}Trigger`, message: `a new value does not change ${unplanned.map((t) => `${t.fleet}-${request.kind}`).join(", ")}: ${wiring(request.kind)}` }]);
  }
  const planned = { changeSummary: result.changeSummary, steps: report.steps, logs: report.logs };
  if (!request.json) {
    println(io.stdout, `planned (pulumi preview, ${formatDuration(Date.now() - start)}):`);
    for (const line of [...renderSteps(report.steps), ...report.logs]) println(io.stdout, `  ${line}`);
    println(io.stdout, `  ${renderChangeSummary(result.changeSummary)}`);
  }
  return planned;
}

async function upAction(stack: Stack, targets: FleetResource[], request: StackActionRequest, trigger: string, io: CliIo, progress: Progress) {
  const start = Date.now();
  const message = `runner-fleet ${request.kind}${request.kind === "flush" ? ` --mode ${request.mode ?? "idle"}` : ""} --stack ${request.stack}${request.fleet ? ` --fleet ${request.fleet}` : ""}`;
  const { report, onEvent } = collect(request.verbose ? (line) => progress.print(line) : undefined);
  progress.start(`pulumi up of stack ${request.stack}: running ${targets.map((t) => `${t.fleet}-${request.kind}`).join(", ")}`);
  const result = await stack
    .up({ target: targets.map((t) => t.urn), message, onEvent, signal: io.signal })
    .catch((error: unknown) => {
      throw engineError("up", error, report.logs);
    })
    .finally(() => progress.stop());
  const resources = resourcesOf(await stack.exportStack());
  const ran = targets.map((t) => ({ fleet: t.fleet, lastRun: lastRunOf(resources, t.urn) }));
  const missed = ran.filter((r) => r.lastRun?.trigger !== trigger);
  if (missed.length > 0) throw new FleetError("operation_not_run", `pulumi up finished but ${missed.map((r) => `${r.fleet}-${request.kind}`).join(", ")} did not run (no result for trigger ${trigger})`);
  if (!request.json) {
    println(io.stdout, `ran (pulumi up, ${formatDuration(Date.now() - start)}; ${renderChangeSummary(result.summary.resourceChanges ?? {}, true)}; in \`pulumi stack history\` as "${message}"):`);
    for (const r of ran) if (r.lastRun) println(io.stdout, `  ${renderLastRun(r.fleet, r.lastRun)}`);
  }
  return ran.flatMap((r) => (r.lastRun ? [{ fleet: r.fleet, lastRun: r.lastRun }] : []));
}
