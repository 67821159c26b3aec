/**
 * `runner-fleet demo`: the whole story on an in-process sandbox, narrated one line per step. It
 * needs no credentials, finishes by itself (every wait is bounded) and cleans up after itself.
 *
 * By default it goes through the real Pulumi engine (demo-pulumi.ts): the product is used as a
 * Pulumi component, so that is the story to show, and it needs only this checkout (the engine is
 * built on first use). `--manager-only` tells it with the runner manager directly (demo-manager.ts),
 * for a machine without the engine or an installed CLI without the checkout's demo project.
 */
import { defineCommand } from "citty";
import type { DemoOptions } from "../demo-story.js";
import { parseCount, parseDuration } from "../duration.js";
import { type ExitCode, UsageError } from "../errors.js";
import type { CliIo } from "../io.js";

const REPOSITORY = "acme/app";

/** The `demo` command. */
export function demoCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "demo", description: "Run the story on an in-process sandbox: pulumi up a fleet, jobs, scale, flush as a stack action, destroy" },
    args: {
      runners: { type: "string", default: "3", description: "Fleet size", valueHint: "n" },
      "scale-to": { type: "string", default: "5", description: "Fleet size after scaling (Pulumi demo)", valueHint: "n" },
      jobs: { type: "string", default: "2", description: "Jobs to queue (at most the fleet size)", valueHint: "n" },
      "boot-delay-ms": { type: "string", default: "1000", description: "From VM create to ACTIVE", valueHint: "ms" },
      "job-duration-ms": { type: "string", default: "4000", description: "How long each job runs", valueHint: "ms" },
      timeout: { type: "string", default: "60s", description: "Longest wait for any one step", valueHint: "duration" },
      stack: { type: "string", description: "Stack name of the Pulumi demo (default demo)", valueHint: "name" },
      "manager-only": { type: "boolean", default: false, description: "Without Pulumi: reconcile, jobs, replenish, flush, cleanup with the runner manager" },
      keep: { type: "boolean", default: false, description: "Keep the temporary files (state, fleet file, metric events) and the stack" },
      verbose: { type: "boolean", default: false, description: "Log every step of the manager and the providers" },
    },
    async run({ args }): Promise<ExitCode> {
      const options: DemoOptions = {
        runners: parseCount(args.runners, "--runners", 1),
        jobs: parseCount(args.jobs, "--jobs"),
        jobDurationMs: parseCount(args["job-duration-ms"], "--job-duration-ms"),
        timeoutMs: parseDuration(args.timeout, "--timeout"),
        repository: REPOSITORY,
      };
      if (options.jobs > options.runners) throw new UsageError([{ path: "--jobs", message: `at most --runners (${options.runners}): each ephemeral runner takes one job` }]);
      const bootDelayMs = parseCount(args["boot-delay-ms"], "--boot-delay-ms");
      if (args["manager-only"]) {
        if (args.stack !== undefined) throw new UsageError([{ path: "--stack", message: "the --manager-only demo has no Pulumi stack" }]);
        const { runManagerDemo } = await import("../demo-manager.js");
        return runManagerDemo(options, { bootDelayMs, keep: args.keep, verbose: args.verbose }, io);
      }
      const scaleTo = parseCount(args["scale-to"], "--scale-to", 1);
      if (args.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(args.stack)) throw new UsageError([{ path: "--stack", message: "letters, digits, '-', '_' and '.' only" }]);
      // Pulumi is loaded only here: the rest of the CLI works without it.
      const { runPulumiDemo } = await import("../demo-pulumi.js");
      return runPulumiDemo({ ...options, scaleTo, bootDelayMs, keep: args.keep, verbose: args.verbose, ...(args.stack ? { stack: args.stack } : {}) }, io);
    },
  });
}
