/** `runner-fleet delete --count N [--hard]`: scale down; soft by default (never a busy runner). */
import { defineCommand } from "citty";
import type { OperationReport } from "../../manager/apply.js";
import { parseCount } from "../duration.js";
import type { ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { plural } from "../output.js";
import { isFailedOutcome } from "../report.js";
import { commonArgs, openFleet } from "./_common.js";
import { runOperation } from "./_operation.js";

/** The `delete` command. */
export function deleteCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "delete", description: "Delete runners: offline first, then idle; busy ones only with --hard" },
    args: {
      ...commonArgs,
      count: { type: "string", required: true, description: "How many runners to delete (cleanup targets count too)", valueHint: "n" },
      hard: { type: "boolean", description: "Also delete busy runners (their jobs fail)", default: false },
    },
    async run({ args }): Promise<ExitCode> {
      const count = parseCount(args.count, "--count", 1);
      const fleet = await openFleet(args, io);
      const soft = !args.hard;
      return runOperation(
        fleet,
        io,
        { label: `deleting up to ${plural(count, "runner")}${soft ? "" : " (hard)"}`, json: args.json, note: (r) => shortfall(r, count, soft) },
        () => fleet.manager.deleteRunnersWithReport(count, { soft }),
      );
    },
  });
}

/** Explains a soft delete that removed fewer runners than asked: the rest were busy. */
function shortfall(report: OperationReport, count: number, soft: boolean): string | undefined {
  const removed = report.outcomes.filter((o) => !isFailedOutcome(o) && o.vm !== "kept").length;
  if (!soft || removed >= count) return undefined;
  return `${removed} of ${count} deleted: the other runners are busy (or gone already); a soft delete never interrupts a job, --hard does`;
}
