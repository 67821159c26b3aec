/**
 * The sandbox side of the end-to-end tests: the sandbox runs in the test process and the engine's
 * provider process reaches it over loopback HTTP (its URLs, token and clouds.yaml are in the
 * stack's config). These helpers read what exists there, per fleet prefix.
 */
import { expect } from "vitest";
import type { Sandbox, SandboxJob, SandboxOptions, SandboxRunner, SandboxServer } from "../../src/sandbox/index.js";
import { FleetStack, type PulumiProject } from "./pulumi-project.js";
import { startFastSandbox } from "./sandbox-fleet.js";
import { waitFor } from "./wait.js";

/** A sandbox with short delays (VMs boot in 30 ms, deleted ones vanish in 20 ms). */
export function startE2eSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startFastSandbox({ deleteDelayMs: 20, ...options });
}

/** The fleet prefix RunnerFleet derives for component `ci` in `stack` (defaultPrefix). */
export const prefixOf = (stack: string): string => `${stack}-ci`;

const ofFleet = (prefix: string) => (name: string) => name.startsWith(`${prefix}-`);

/** The fleet's VMs, those being deleted excluded. */
export function vmsOf(sandbox: Sandbox, prefix: string): SandboxServer[] {
  return sandbox.servers().filter((s) => ofFleet(prefix)(s.name) && s.taskState !== "deleting");
}

/** The fleet's VMs that can still run a job (ACTIVE or booting). */
export function liveVmsOf(sandbox: Sandbox, prefix: string): SandboxServer[] {
  return vmsOf(sandbox, prefix).filter((s) => s.status === "ACTIVE" || s.status === "BUILD");
}

/** The fleet's GitHub runners (true state). */
export function runnersOf(sandbox: Sandbox, prefix: string): SandboxRunner[] {
  return sandbox.githubRunners().filter((r) => ofFleet(prefix)(r.name));
}

export function onlineRunnersOf(sandbox: Sandbox, prefix: string): SandboxRunner[] {
  return runnersOf(sandbox, prefix).filter((r) => r.status === "online");
}

/** Names, sorted. */
export const names = (items: readonly { name: string }[]): string[] => items.map((i) => i.name).sort();

/** What the sandbox holds of a fleet, for failure messages. */
export function describeFleet(sandbox: Sandbox, prefix: string): string {
  const vms = vmsOf(sandbox, prefix).map((vm) => `${vm.name} ${vm.status}`);
  const runners = runnersOf(sandbox, prefix).map((r) => `${r.name} ${r.status}${r.busy ? " busy" : ""}`);
  return `VMs [${vms.join(", ")}]; GitHub runners [${runners.join(", ")}]`;
}

/** Waits until the fleet is exactly `count` ACTIVE VMs, each with its online GitHub runner, and nothing else. */
export async function waitForFleet(sandbox: Sandbox, prefix: string, count: number): Promise<string[]> {
  const settled = () => {
    const vms = vmsOf(sandbox, prefix);
    const runners = runnersOf(sandbox, prefix);
    return (
      vms.length === count &&
      vms.every((vm) => vm.status === "ACTIVE") &&
      runners.length === count &&
      runners.every((r) => r.status === "online") &&
      names(vms).join() === names(runners).join()
    );
  };
  await waitFor(`${prefix}: ${count} ACTIVE VMs each with an online runner, and nothing else`, settled, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}; the sandbox has ${describeFleet(sandbox, prefix)}`);
  });
  return names(vmsOf(sandbox, prefix));
}

/** Asserts the fleet left nothing: no VM (not even one being deleted) and no GitHub runner. */
export async function expectFleetGone(sandbox: Sandbox, prefix: string): Promise<void> {
  // A deleted VM stays listed as `deleting` for deleteDelayMs.
  await waitFor(`${prefix}: no VM left`, () => sandbox.servers().filter((s) => ofFleet(prefix)(s.name)).length === 0, 30_000);
  expect(runnersOf(sandbox, prefix)).toEqual([]);
}

/** The GitHub repository of a stack's fleet: one per stack, so jobs only go to that fleet's runners. */
export const repositoryOf = (stack: string): string => `acme/${stack}`;

/** `FleetStack.init` with the stack's own repository (see repositoryOf). */
export function initFleetStack(project: PulumiProject, sandbox: Sandbox, name: string, config: Record<string, string | number> = {}): Promise<FleetStack> {
  return FleetStack.init(project, name, sandbox, { repository: repositoryOf(name), ...config });
}

/** Queues `count` jobs of `durationMs` for the stack's fleet and waits until each runs on one of its runners. */
export async function startJobs(sandbox: Sandbox, stack: string, count: number, durationMs: number): Promise<SandboxJob[]> {
  const prefix = prefixOf(stack);
  const ids = Array.from({ length: count }, () => sandbox.enqueueJob({ repository: repositoryOf(stack), durationMs }).id);
  const current = () => sandbox.jobs().filter((j) => ids.includes(j.id));
  await waitFor(`${count} jobs running on ${prefix}`, () => current().every((j) => j.status !== "queued" && j.runnerName?.startsWith(`${prefix}-`)), 60_000);
  return current();
}

/** Waits until the jobs completed; returns them as they ended. */
export async function jobsEnded(sandbox: Sandbox, jobs: readonly SandboxJob[], timeoutMs = 120_000): Promise<SandboxJob[]> {
  const ids = jobs.map((j) => j.id);
  const current = () => sandbox.jobs().filter((j) => ids.includes(j.id));
  await waitFor(`jobs ${ids.join(", ")} to complete`, () => current().every((j) => j.status === "completed"), timeoutMs);
  return current();
}

/** The texts that must never appear in plaintext in state, logs or previews, by what they are. */
export function secretsOf(sandbox: Sandbox): [string, string][] {
  const entries: [string, string][] = [
    ["GitHub token", sandbox.githubToken],
    ["OpenStack password", sandbox.credentials.password],
    ["application credential secret", sandbox.appCredential.secret],
    ["clouds.yaml text", sandbox.cloudsYaml],
  ];
  return entries.filter(([, value]) => value.length >= 8);
}

/** Asserts `text` contains none of the sandbox's secrets (names which, never the value). */
export function expectNoSecret(text: string, sandbox: Sandbox, where: string): void {
  const leaked = secretsOf(sandbox).filter(([, value]) => text.includes(value)).map(([what]) => what);
  expect(leaked, `${where} must not contain secrets`).toEqual([]);
}
