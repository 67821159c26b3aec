/** `runner-fleet create --count N`: starts N more runners (without waiting for them to boot). */
import { defineCommand } from "citty";
import { formatDuration, parseCount } from "../duration.js";
import { ExitCode } from "../errors.js";
import { type CliIo, println } from "../io.js";
import { printJson } from "../output.js";
import { createReportJson, createTotals, renderCreate } from "../report.js";
import { assertWithinMax, commonArgs, openFleet, since } from "./_common.js";

/** The `create` command. */
export function createCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "create", description: "Create runners: a JIT registration on GitHub and a VM each" },
    args: {
      ...commonArgs,
      count: { type: "string", required: true, description: "How many runners to create", valueHint: "n" },
    },
    async run({ args }): Promise<ExitCode> {
      const count = parseCount(args.count, "--count", 1);
      const fleet = await openFleet(args, io);
      if (fleet.spec.maxRunners !== undefined) assertWithinMax(fleet, (await fleet.manager.getRunners()).length + count, "--count");
      const start = Date.now();
      fleet.progress.start("creating runners", count);
      const onProgress = fleet.progress.counter();
      const report = await fleet.manager.createRunnersWithReport(count, { onProgress }).finally(() => fleet.progress.stop());
      const failed = report.failures.length > 0 ? ExitCode.Failed : ExitCode.Ok;
      if (args.json) {
        printJson(io.stdout, createReportJson(report));
        return failed;
      }
      println(io.stdout, renderCreate(report));
      println(io.stdout, `${createTotals(report, count)} in ${formatDuration(since(start))}`);
      return failed;
    },
  });
}
