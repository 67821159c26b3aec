/**
 * `runner-fleet demo --manager-only`: the story told with the runner manager directly (no Pulumi),
 * on an in-process sandbox, narrated one line per step (demo-story.ts has steps 3–10).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFleetManager } from "../fleet/create-runner-manager.js";
import { startSandbox } from "../sandbox/index.js";
import { reporting } from "./commands/_common.js";
import { type DemoOptions, runStory, STEPS } from "./demo-story.js";
import { formatDuration } from "./duration.js";
import { ExitCode } from "./errors.js";
import { loadFleetFile } from "./fleet-file.js";
import { type CliIo, println } from "./io.js";
import { writeSandboxFiles } from "./sandbox-files.js";

/** Sandbox timing and output switches of the manager demo. */
export interface ManagerDemoSettings {
  bootDelayMs: number;
  keep: boolean;
  verbose: boolean;
}

/** Runs the manager demo; throws (after printing what it saw) when a step times out. */
export async function runManagerDemo(options: DemoOptions, settings: ManagerDemoSettings, io: CliIo): Promise<ExitCode> {
  const { bootDelayMs } = settings;
  const started = Date.now();
  const say = (step: number, text: string): void => println(io.stdout, `[${step}/${STEPS}] ${text}`);

  say(1, `starting the sandbox: a simulated GitHub and OpenStack on loopback (VMs boot in ${formatDuration(bootDelayMs)})`);
  const sandbox = await startSandbox({ bootDelayMs, github: { onlineDelayMs: Math.min(200, bootDelayMs) } });
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), "runner-fleet-demo-"));
    println(io.stdout, `  GitHub ${sandbox.githubUrl}, OpenStack ${sandbox.openstackAuthUrl}`);
    say(2, `writing a fleet file: prefix "demo", ${options.runners} runners for ${options.repository}, metrics to a JSON-lines file`);
    const files = await writeSandboxFiles(dir, sandbox, { prefix: "demo", runners: options.runners, repository: options.repository, metricsFile: "metrics.jsonl" });
    // A hermetic environment: the user's OS_* or GITHUB_TOKEN must not leak into the demo.
    const { spec } = await loadFleetFile(files.fleetYaml, { cwd: dir, env: {} });
    const { progress, logger } = reporting(io, { verbose: settings.verbose });
    const { manager } = createFleetManager(spec, { env: {}, cwd: dir, logger, ...io.runtime });
    println(io.stdout, `  ${files.fleetYaml}`);
    await runStory({ io, sandbox, manager, progress, options, say, metricsFile: spec.metricsFile ?? join(dir, "metrics.jsonl") });
  } finally {
    say(STEPS, "closing the sandbox");
    await sandbox.close();
    if (dir !== undefined && settings.keep) println(io.stdout, `  kept ${dir}`);
    else if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
  println(io.stdout, `demo finished in ${formatDuration(Date.now() - started)}`);
  return ExitCode.Ok;
}
