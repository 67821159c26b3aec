/** Joins what the cloud and GitHub report into one view of a fleet. Pure. */
import { isFleetMember } from "./naming.js";
import type { CloudInstance, PlatformRunner } from "./ports.js";
import { CloudRunnerState, GitHubRunnerState } from "./types.js";

/** One VM of the fleet and, when GitHub lists it, its runner (joined by name). */
export interface Member {
  instance: CloudInstance;
  runner?: PlatformRunner;
}

/** The fleet as observed at one moment. */
export interface FleetView {
  /** One entry per VM; for duplicate names, the newest VM is here and the older ones in `duplicates`. */
  members: Member[];
  /** Older VMs that share a name with a newer one. */
  duplicates: CloudInstance[];
  /** GitHub runners of this fleet that have no VM. */
  dangling: PlatformRunner[];
}

/**
 * Builds the view; only names that are exactly `${prefix}-<12 hex>` count, on both sides, so a
 * fleet never touches another fleet's runners. VMs already being deleted are left out.
 */
export function joinFleet(prefix: string, instances: readonly CloudInstance[], runners: readonly PlatformRunner[]): FleetView {
  const newest = new Map<string, CloudInstance>();
  const duplicates: CloudInstance[] = [];
  for (const instance of instances) {
    if (!isFleetMember(prefix, instance.name) || instance.state === CloudRunnerState.Deleted) continue;
    const seen = newest.get(instance.name);
    if (!seen) newest.set(instance.name, instance);
    else if (instance.createdAt > seen.createdAt) {
      duplicates.push(seen);
      newest.set(instance.name, instance);
    } else duplicates.push(instance);
  }
  const runnersByName = new Map<string, PlatformRunner>();
  for (const runner of runners) if (isFleetMember(prefix, runner.name)) runnersByName.set(runner.name, runner);
  const members = [...newest.values()].map((instance) => {
    const runner = runnersByName.get(instance.name);
    return runner ? { instance, runner } : { instance };
  });
  const dangling = [...runnersByName.values()].filter((r) => !newest.has(r.name));
  return { members, duplicates, dangling };
}

/** GitHub's view of a runner: busy wins even when offline; online and not busy is idle. */
export function githubStateOf(runner: PlatformRunner): GitHubRunnerState {
  if (runner.busy) return GitHubRunnerState.Busy;
  return runner.online ? GitHubRunnerState.Idle : GitHubRunnerState.Offline;
}

/** The GitHub runner id of a member: GitHub's list first, else the VM's metadata. */
export function runnerIdOf(member: Member): number | undefined {
  return member.runner?.id ?? member.instance.runnerId;
}

/** Seconds since the VM was created. */
export function ageSeconds(instance: CloudInstance, now: Date): number {
  return (now.getTime() - instance.createdAt.getTime()) / 1000;
}
