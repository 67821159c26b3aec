/**
 * `runner-fleet serve --stack` as its own process beside a Pulumi stack, from the installed CLI,
 * with the program that gives the stack's RunnerFleet its `autoscale` from config.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { nodeBinDir } from "./pulumi-engine.js";
import { FLEET_PROGRAM, installRunnerFleet, type PreviewJson, type PulumiProject } from "./pulumi-project.js";
import { waitFor } from "./wait.js";

/** FLEET_PROGRAM with `autoscale` (of TypeScript type `type`) from config, and `runners` left to it. */
export function autoscaledProgram(type: string): Record<string, string> {
  return {
    ...FLEET_PROGRAM,
    "index.ts": (FLEET_PROGRAM["index.ts"] as string).replace(
      `runners: config.getNumber("runners") ?? 2,`,
      `runners: config.getNumber("runners"),\n  autoscale: config.requireObject<${type}>("autoscale"),`,
    ),
  } as Record<string, string>;
}

/** The steps of a preview that change something, as "op name". */
export const changedSteps = (p: PreviewJson): string[] => p.steps.filter((s) => s.op !== "same" && s.op !== "refresh").map((s) => `${s.op} ${s.urn.split("::").at(-1)}`);

/** A running serve: the process and all it printed so far. */
export interface ServeBeside {
  child: ChildProcess;
  output(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `serve --stack <stack> --fleet ci --listen … --store …` plus `args`, and waits until it listens. */
export async function startServeBeside(project: PulumiProject, o: { stack: string; port: number; args?: string[]; env?: NodeJS.ProcessEnv }): Promise<ServeBeside> {
  const installed = await installRunnerFleet();
  const cli = join(installed, "node_modules", "runner-fleet", "dist", "cli", "main.js");
  const args = ["serve", "--stack", o.stack, "--fleet", "ci", "--listen", `127.0.0.1:${o.port}`, "--store", join(project.work, "demand.sqlite"), ...(o.args ?? [])];
  const child = spawn(join(nodeBinDir(), "node"), [cli, ...args], { cwd: project.dir, env: { ...project.env, ...o.env } });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  await waitFor("serve to listen", () => output.includes("serving "), 60_000).catch((e: Error) => {
    throw new Error(`${e.message}: ${output.slice(-2000)}`);
  });
  return {
    child,
    output: () => output,
    stop: (signal) => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : (child.once("exit", (code) => resolve(code)), child.kill(signal)))),
  };
}
