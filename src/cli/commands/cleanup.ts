/**
 * `runner-fleet cleanup`: remove what no longer serves (dangling, dead, stopped, timed out,
 * duplicates). From a fleet file, or with `--stack` through the stack's cleanup operation (Pulumi).
 */
import { defineCommand } from "citty";
import type { ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { previewArg, stackArgs, stackTarget } from "../stack-flags.js";
import { commonArgs, openFleet } from "./_common.js";
import { runOperation } from "./_operation.js";

/** The `cleanup` command. */
export function cleanupCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "cleanup", description: "Delete dangling GitHub runners, ERROR/stopped VMs, timed-out runners and duplicate VMs" },
    args: { ...commonArgs, ...stackArgs, ...previewArg },
    async run({ args, rawArgs }): Promise<ExitCode> {
      const target = stackTarget(args, rawArgs, io, "cleanup");
      if (target) {
        // Pulumi is loaded only here: the rest of the CLI works without it.
        const { runStackAction } = await import("../stack-actions.js");
        return runStackAction({ ...target, kind: "cleanup", preview: args.preview, json: args.json, verbose: args.verbose }, io);
      }
      const fleet = await openFleet(args, io);
      return runOperation(fleet, io, { label: "cleaning up", json: args.json }, () => fleet.manager.cleanupWithReport());
    },
  });
}
