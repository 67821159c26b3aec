/**
 * `runner-fleet reconcile`: bring the fleet to its desired count, once or `--every` interval.
 * Unlike upstream's loop, which dies on the first error, a failed cycle is reported and the loop
 * goes on: a GitHub outage must not leave the fleet unreplenished once GitHub is back. With
 * `--stack`, each cycle is a Pulumi refresh + up of the stack's fleets instead (stack-reconcile.ts).
 */
import { defineCommand } from "citty";
import type { ReconcileReport } from "../../manager/reconcile.js";
import { parseCount, parseDuration } from "../duration.js";
import { ExitCode, exitCodeOf, formatError, UsageError } from "../errors.js";
import { type CliIo, println, sleep } from "../io.js";
import { printJson, printJsonLine } from "../output.js";
import { isFailedOutcome, reconcileLine, reconcileReportJson } from "../report.js";
import { stackArgs, stackTarget } from "../stack-flags.js";
import { assertWithinMax, commonArgs, type OpenedFleet, openFleet } from "./_common.js";

/** The `reconcile` command. */
export function reconcileCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "reconcile", description: "Clean up, then create or (softly) delete runners to reach the desired count" },
    args: {
      ...commonArgs,
      count: { type: "string", description: "Desired runners (default: the fleet file's `runners`)", valueHint: "n" },
      every: { type: "string", description: "Repeat at this interval until interrupted, e.g. 30s, 5m", valueHint: "duration" },
      cycles: { type: "string", description: "Stop after this many cycles (with --every)", valueHint: "n" },
      ...stackArgs,
    },
    async run({ args, rawArgs }): Promise<ExitCode> {
      const every = args.every === undefined ? undefined : parseDuration(args.every, "--every");
      const cycles = args.cycles === undefined ? (every === undefined ? 1 : Infinity) : parseCount(args.cycles, "--cycles", 1);
      if (every === undefined && cycles > 1) throw new UsageError([{ path: "--cycles", message: "repeating needs an interval: add --every, e.g. --every 5m" }]);
      const target = stackTarget(args, rawArgs, io, "reconcile");
      if (target) {
        if (args.count !== undefined) throw new UsageError([{ path: "--count", message: "with --stack the desired count is the stack's (e.g. pulumi config set runners 5)" }]);
        // Pulumi is loaded only here: the rest of the CLI works without it.
        const { runStackReconcile } = await import("../stack-reconcile.js");
        return runStackReconcile({ ...target, ...(every === undefined ? {} : { every }), cycles, json: args.json, verbose: args.verbose }, io);
      }
      const fleet = await openFleet(args, io);
      const desired = args.count === undefined ? fleet.spec.runners : parseCount(args.count, "--count");
      assertWithinMax(fleet, desired, args.count === undefined ? "runners" : "--count");
      if (every === undefined) return once(fleet, io, desired, args.json);
      return loop(fleet, io, { desired, every, cycles, json: args.json, verbose: args.verbose });
    },
  });
}

// --- internal ---

async function once(fleet: OpenedFleet, io: CliIo, desired: number, json: boolean): Promise<ExitCode> {
  const start = Date.now();
  const label = `reconciling to ${desired} runners`;
  fleet.progress.start(label);
  const onProgress = fleet.progress.counter(`${label}: creating`);
  const report = await fleet.manager.reconcile(desired, { onProgress }).finally(() => fleet.progress.stop());
  if (json) printJson(io.stdout, reconcileReportJson(report));
  else println(io.stdout, reconcileLine(report, Date.now() - start));
  return outcome(report);
}

interface LoopOptions {
  desired: number;
  every: number;
  cycles: number;
  json: boolean;
  verbose: boolean;
}

/** Cycles until `cycles` or a stop signal; a signal lets the running cycle finish. */
async function loop(fleet: OpenedFleet, io: CliIo, o: LoopOptions): Promise<ExitCode> {
  const onStop = (): void => fleet.progress.print("stopping after the current cycle (interrupt again to force)");
  io.signal.addEventListener("abort", onStop, { once: true });
  let last: ExitCode = ExitCode.Ok;
  try {
    for (let cycle = 1; cycle <= o.cycles && !io.signal.aborted; cycle++) {
      const start = Date.now();
      const label = `cycle ${cycle}: reconciling to ${o.desired} runners`;
      fleet.progress.start(label);
      try {
        const report = await fleet.manager.reconcile(o.desired, { onProgress: fleet.progress.counter(`${label}: creating`) });
        fleet.progress.stop();
        last = outcome(report);
        if (o.json) printJsonLine(io.stdout, { cycle, at: new Date(start), ok: true, ...reconcileReportJson(report) });
        else println(io.stdout, `${stamp(start)} cycle ${cycle}  ${reconcileLine(report, Date.now() - start)}`);
      } catch (error) {
        fleet.progress.stop();
        last = exitCodeOf(error);
        const [first = "", ...rest] = formatError(error, o.verbose);
        const message = first.replace(/^(unexpected )?error: /, "");
        if (o.json) printJsonLine(io.stdout, { cycle, at: new Date(start), ok: false, error: message });
        else println(io.stdout, `${stamp(start)} cycle ${cycle}  failed: ${message}`);
        for (const line of rest) fleet.progress.print(line);
      }
      if (cycle < o.cycles) await sleep(Math.max(0, o.every - (Date.now() - start)), io.signal);
    }
  } finally {
    io.signal.removeEventListener("abort", onStop);
  }
  return last;
}

function outcome(report: ReconcileReport): ExitCode {
  return report.createFailures.length > 0 || report.deletions.some(isFailedOutcome) ? ExitCode.Failed : ExitCode.Ok;
}

/** Local time of day: what an operator watching the loop compares with the clock. */
function stamp(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}
