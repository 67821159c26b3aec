/**
 * `runner-fleet demo`: the story through the real Pulumi engine, on an in-process sandbox. The root
 * Pulumi.yaml project (program pulumi/demo/) gets a stack with local state in a temp dir; the demo
 * previews and `up`s a fleet of 3, queues jobs, shows the runners, scales to 5 (a refresh notices
 * the runners the jobs consumed), flushes idle runners as a stack action, shows the stack history,
 * destroys the fleet and checks that nothing is left. Every wait is bounded.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../manager/errors.js";
import { startSandbox } from "../sandbox/index.js";
import { demoEnv, demoProject, ensureEngine, linkDemoPackage } from "./demo-engine.js";
import { checkNothingLeft, type DemoScene, printHistory, pulumiStep, showStatus, waitForJobs, waitForRunners } from "./demo-scene.js";
import { formatDuration } from "./duration.js";
import { ExitCode } from "./errors.js";
import { type CliIo, println } from "./io.js";
import { plural } from "./output.js";
import { Progress } from "./progress.js";
import { runStackAction } from "./stack-actions.js";
import { openStack, type Stack } from "./stack-session.js";

/** What the Pulumi demo is asked to show. */
export interface PulumiDemoOptions {
  runners: number;
  scaleTo: number;
  jobs: number;
  jobDurationMs: number;
  bootDelayMs: number;
  /** Longest wait for any one step. */
  timeoutMs: number;
  repository: string;
  /** Stack name (default: `demo`, or `demo-2`… when the project already has a `demo` stack config). */
  stack?: string;
  keep: boolean;
  verbose: boolean;
}

const STEPS = 9;

/** Runs the Pulumi demo; throws (after printing what it saw) when a step fails or times out. */
export async function runPulumiDemo(o: PulumiDemoOptions, io: CliIo): Promise<ExitCode> {
  const started = Date.now();
  const say = (step: number, text: string): void => println(io.stdout, `[${step}/${STEPS}] ${text}`);
  const { root, programDir } = demoProject();
  const stackName = o.stack ?? freeStackName(root);
  if (o.stack && existsSync(join(root, `Pulumi.${o.stack}.yaml`))) {
    throw new ConfigError([{ path: "--stack", message: `${join(root, `Pulumi.${o.stack}.yaml`)} exists: the demo does not reuse a stack's config; pick another name` }]);
  }

  say(1, "the Pulumi engine: scripts/pulumi-engine.sh reuses a built one, or builds it from Go modules on a fresh machine (minutes; its progress follows)");
  const binDir = await ensureEngine(root, io);
  println(io.stdout, `  pulumi in ${binDir}`);

  say(2, `starting the sandbox: a simulated GitHub and OpenStack on loopback (VMs boot in ${formatDuration(o.bootDelayMs)})`);
  const sandbox = await startSandbox({ bootDelayMs: o.bootDelayMs, github: { onlineDelayMs: Math.min(200, o.bootDelayMs) } });
  const work = await mkdtemp(join(tmpdir(), "runner-fleet-demo-"));
  let stack: Stack | undefined;
  try {
    println(io.stdout, `  GitHub ${sandbox.githubUrl}, OpenStack ${sandbox.openstackAuthUrl}`);
    say(3, `stack ${stackName} of the root Pulumi project (program pulumi/demo/), its state in ${work}`);
    await linkDemoPackage(programDir, root);
    const env = await demoEnv(binDir, work, io.env);
    const target = { stack: stackName, projectDir: root, pulumi: join(binDir, "pulumi") };
    stack = await openStack(target, env, { create: true });
    await stack.setAllConfig({
      githubUrl: { value: sandbox.githubUrl },
      githubToken: { value: sandbox.githubToken, secret: true },
      cloudsYaml: { value: sandbox.cloudsYaml, secret: true },
      repository: { value: o.repository },
      runners: { value: String(o.runners) },
    });
    println(io.stdout, "  config: githubUrl, githubToken (secret), cloudsYaml (secret), repository, runners");
    const scene: DemoScene = { io, sandbox, stack, prefix: `${stackName}-ci`, repository: o.repository, progress: new Progress(io), timeoutMs: o.timeoutMs, verbose: o.verbose };

    say(4, `pulumi preview, then pulumi up: a fleet of ${o.runners} runners (up returns when they are online)`);
    await pulumiStep(scene, "preview");
    await pulumiStep(scene, "up", `runner-fleet demo: a fleet of ${o.runners}`);
    await showStatus(scene);

    say(5, `queueing ${plural(o.jobs, "job")} on ${o.repository} (each runs ${formatDuration(o.jobDurationMs)}): ephemeral runners take one job each, then deregister and power off`);
    for (let i = 1; i <= o.jobs; i++) sandbox.enqueueJob({ repository: o.repository, durationMs: o.jobDurationMs, workflow: `demo job ${i}` });
    await waitForRunners(scene, `${plural(o.jobs, "busy runner")}`, (c) => c.busy >= o.jobs);
    await showStatus(scene);
    await waitForJobs(scene, o.jobs);
    await showStatus(scene);

    say(6, `scaling to ${o.scaleTo}: pulumi config set runners ${o.scaleTo}; pulumi up (its refresh also sees the runners the jobs used)`);
    await stack.setConfig("runners", { value: String(o.scaleTo) });
    await pulumiStep(scene, "preview");
    await pulumiStep(scene, "up", `runner-fleet demo: scale to ${o.scaleTo}`);
    await showStatus(scene);

    say(7, "flushing idle runners as a stack action: runner-fleet flush --stack (a new runner-fleet:flushTrigger, preview and up targeted at the flush operation)");
    const indented: CliIo = { ...io, stdout: { write: (text: string) => io.stdout.write(text.replace(/^(?=.)/gm, "  ")) } };
    const code = await runStackAction({ ...target, kind: "flush", mode: "idle", preview: false, verbose: o.verbose }, indented, env);
    if (code !== ExitCode.Ok) return code;
    await waitForRunners(scene, `${o.scaleTo} runners online`, (c) => c.idle + c.busy >= o.scaleTo);
    await showStatus(scene);

    say(8, "pulumi stack history: every up, the flush included");
    await printHistory(scene);

    say(9, "pulumi destroy: drains the fleet (busy runners may finish) and removes every VM and GitHub runner");
    await pulumiStep(scene, "destroy");
    await checkNothingLeft(scene);
  } finally {
    // `stack rm` also deletes the stack's config file (Pulumi.<stack>.yaml) from the project.
    if (stack && !o.keep) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await sandbox.close();
    if (o.keep) println(io.stdout, `  kept the stack ${stackName} (state in ${work}; config in ${join(root, `Pulumi.${stackName}.yaml`)})`);
    else await rm(work, { recursive: true, force: true });
  }
  println(io.stdout, `demo finished in ${formatDuration(Date.now() - started)}`);
  return ExitCode.Ok;
}

// --- internal ---

/** `demo`, or `demo-2`, `demo-3`… when a stack config of that name exists (a user's, or a killed demo's). */
function freeStackName(root: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? "demo" : `demo-${n}`;
    if (!existsSync(join(root, `Pulumi.${name}.yaml`))) return name;
  }
}
