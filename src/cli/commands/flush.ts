/**
 * `runner-fleet flush [--mode idle|busy]`: replace idle runners, or every runner. From a fleet file
 * (the manager directly), or with `--stack` through the stack's flush operation (Pulumi).
 */
import { defineCommand } from "citty";
import { FlushMode } from "../../manager/types.js";
import type { ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { previewArg, stackArgs, stackTarget } from "../stack-flags.js";
import { commonArgs, openFleet } from "./_common.js";
import { runOperation } from "./_operation.js";

/** The `flush` command. */
export function flushCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "flush", description: "Delete idle runners (--mode idle) or every runner, busy ones included (--mode busy)" },
    args: {
      ...commonArgs,
      mode: { type: "enum", options: ["idle", "busy"], default: "idle", description: "idle: online idle runners; busy: all runners (kills jobs)" },
      ...stackArgs,
      ...previewArg,
    },
    async run({ args, rawArgs }): Promise<ExitCode> {
      const mode = args.mode === "busy" ? "busy" : "idle";
      const target = stackTarget(args, rawArgs, io, "flush");
      if (target) {
        // Pulumi is loaded only here: the rest of the CLI works without it.
        const { runStackAction } = await import("../stack-actions.js");
        return runStackAction({ ...target, kind: "flush", mode, preview: args.preview, json: args.json, verbose: args.verbose }, io);
      }
      const fleet = await openFleet(args, io);
      const flushMode = mode === "busy" ? FlushMode.FlushBusy : FlushMode.FlushIdle;
      return runOperation(fleet, io, { label: `flushing ${mode} runners`, json: args.json }, () => fleet.manager.flushRunnersWithReport(flushMode));
    },
  });
}
