/**
 * `runner-fleet demo`: the whole story on an in-process sandbox, narrated one line per step. It
 * needs no credentials, finishes by itself (every wait is bounded) and cleans up after itself.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineCommand } from "citty";
import { createFleetManager } from "../../fleet/create-runner-manager.js";
import { startSandbox } from "../../sandbox/index.js";
import { type DemoOptions, runStory, STEPS } from "../demo-story.js";
import { formatDuration, parseCount, parseDuration } from "../duration.js";
import { ExitCode, UsageError } from "../errors.js";
import { loadFleetFile } from "../fleet-file.js";
import { type CliIo, println } from "../io.js";
import { writeSandboxFiles } from "../sandbox-files.js";
import { reporting } from "./_common.js";

const REPOSITORY = "acme/app";

/** The `demo` command. */
export function demoCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "demo", description: "Run the whole story on an in-process sandbox: reconcile, jobs, replenish, flush, cleanup, metrics" },
    args: {
      runners: { type: "string", default: "3", description: "Fleet size", valueHint: "n" },
      jobs: { type: "string", default: "2", description: "Jobs to queue (at most the fleet size)", valueHint: "n" },
      "boot-delay-ms": { type: "string", default: "1000", description: "From VM create to ACTIVE", valueHint: "ms" },
      "job-duration-ms": { type: "string", default: "4000", description: "How long each job runs", valueHint: "ms" },
      timeout: { type: "string", default: "60s", description: "Longest wait for any one step", valueHint: "duration" },
      keep: { type: "boolean", default: false, description: "Keep the temporary folder (fleet file, clouds.yaml, metric events)" },
      verbose: { type: "boolean", default: false, description: "Log every step of the manager" },
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
      const started = Date.now();
      const say = (step: number, text: string): void => println(io.stdout, `[${step}/${STEPS}] ${text}`);

      say(1, `starting the sandbox: a simulated GitHub and OpenStack on loopback (VMs boot in ${formatDuration(bootDelayMs)})`);
      const sandbox = await startSandbox({ bootDelayMs, github: { onlineDelayMs: Math.min(200, bootDelayMs) } });
      let dir: string | undefined;
      try {
        dir = await mkdtemp(join(tmpdir(), "runner-fleet-demo-"));
        println(io.stdout, `  GitHub ${sandbox.githubUrl}, OpenStack ${sandbox.openstackAuthUrl}`);
        say(2, `writing a fleet file: prefix "demo", ${options.runners} runners for ${REPOSITORY}, metrics to a JSON-lines file`);
        const files = await writeSandboxFiles(dir, sandbox, { prefix: "demo", runners: options.runners, repository: REPOSITORY, metricsFile: "metrics.jsonl" });
        // A hermetic environment: the user's OS_* or GITHUB_TOKEN must not leak into the demo.
        const { spec } = await loadFleetFile(files.fleetYaml, { cwd: dir, env: {} });
        const { progress, logger } = reporting(io, { verbose: args.verbose });
        const { manager } = createFleetManager(spec, { env: {}, cwd: dir, logger, ...io.runtime });
        println(io.stdout, `  ${files.fleetYaml}`);
        await runStory({ io, sandbox, manager, progress, options, say, metricsFile: spec.metricsFile ?? join(dir, "metrics.jsonl") });
      } finally {
        say(STEPS, "closing the sandbox");
        await sandbox.close();
        if (dir !== undefined && args.keep) println(io.stdout, `  kept ${dir}`);
        else if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      }
      println(io.stdout, `demo finished in ${formatDuration(Date.now() - started)}`);
      return ExitCode.Ok;
    },
  });
}
