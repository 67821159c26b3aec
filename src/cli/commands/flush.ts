/** `runner-fleet flush [--mode idle|busy]`: replace idle runners, or every runner. */
import { defineCommand } from "citty";
import { FlushMode } from "../../manager/types.js";
import type { ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { commonArgs, openFleet } from "./_common.js";
import { runOperation } from "./_operation.js";

/** The `flush` command. */
export function flushCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "flush", description: "Delete idle runners (--mode idle) or every runner, busy ones included (--mode busy)" },
    args: {
      ...commonArgs,
      mode: { type: "enum", options: ["idle", "busy"], default: "idle", description: "idle: online idle runners; busy: all runners (kills jobs)" },
    },
    async run({ args }): Promise<ExitCode> {
      const mode = args.mode === "busy" ? FlushMode.FlushBusy : FlushMode.FlushIdle;
      const fleet = await openFleet(args, io);
      return runOperation(fleet, io, { label: `flushing ${args.mode} runners`, json: args.json }, () => fleet.manager.flushRunnersWithReport(mode));
    },
  });
}
