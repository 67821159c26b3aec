/** `runner-fleet status`: the fleet's runners as GitHub and the cloud see them. */
import { defineCommand } from "citty";
import { describeGitHubPath } from "../../manager/github-path.js";
import { ExitCode } from "../errors.js";
import { type CliIo, println } from "../io.js";
import { printJson } from "../output.js";
import { countRunners, countsLine, renderRunners } from "../report.js";
import { commonArgs, openFleet } from "./_common.js";

/** The `status` command. */
export function statusCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "status", description: "Show each runner: GitHub state, cloud state, health, age, config fingerprint" },
    args: { ...commonArgs },
    async run({ args }): Promise<ExitCode> {
      const { manager, spec } = await openFleet(args, io);
      // One observation for both the table and the counts, so they always agree.
      const runners = await manager.getRunners();
      const counts = countRunners(runners);
      if (args.json) {
        printJson(io.stdout, { fleet: { prefix: spec.prefix, desired: spec.runners }, runners, counts });
        return ExitCode.Ok;
      }
      println(io.stdout, `fleet ${spec.prefix} on ${describeGitHubPath(spec.github.path)}, ${spec.runners} desired`);
      println(io.stdout, runners.length === 0 ? "no runners" : renderRunners(runners, new Date()));
      println(io.stdout, countsLine(counts));
      return ExitCode.Ok;
    },
  });
}
