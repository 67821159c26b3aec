/** Running and printing an operation that deletes runners (delete, flush, cleanup). */
import type { OperationReport } from "../../manager/apply.js";
import { formatDuration } from "../duration.js";
import { ExitCode } from "../errors.js";
import { type CliIo, println } from "../io.js";
import { printJson } from "../output.js";
import { isFailedOutcome, outcomeTotals, renderOutcomes, statsLine } from "../report.js";
import { type OpenedFleet, since } from "./_common.js";

/** Runs `operation` under a progress line, prints its outcomes, and returns 1 if any deletion failed. */
export async function runOperation(
  fleet: OpenedFleet,
  io: CliIo,
  options: { label: string; json: boolean; note?: (report: OperationReport) => string | undefined },
  operation: () => Promise<OperationReport>,
): Promise<ExitCode> {
  const start = Date.now();
  fleet.progress.start(options.label);
  const report = await operation().finally(() => fleet.progress.stop());
  const code = report.outcomes.some(isFailedOutcome) ? ExitCode.Failed : ExitCode.Ok;
  if (options.json) {
    printJson(io.stdout, report);
    return code;
  }
  if (report.outcomes.length > 0) println(io.stdout, renderOutcomes(report.outcomes));
  println(io.stdout, `${outcomeTotals(report)} in ${formatDuration(since(start))}`);
  println(io.stdout, statsLine(report.stats));
  const note = options.note?.(report);
  if (note) println(io.stdout, note);
  return code;
}
