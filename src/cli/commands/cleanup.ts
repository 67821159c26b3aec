/** `runner-fleet cleanup`: remove what no longer serves (dangling, dead, stopped, timed out, duplicates). */
import { defineCommand } from "citty";
import type { ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { commonArgs, openFleet } from "./_common.js";
import { runOperation } from "./_operation.js";

/** The `cleanup` command. */
export function cleanupCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "cleanup", description: "Delete dangling GitHub runners, ERROR/stopped VMs, timed-out runners and duplicate VMs" },
    args: { ...commonArgs },
    async run({ args }): Promise<ExitCode> {
      const fleet = await openFleet(args, io);
      return runOperation(fleet, io, { label: "cleaning up", json: args.json }, () => fleet.manager.cleanupWithReport());
    },
  });
}
