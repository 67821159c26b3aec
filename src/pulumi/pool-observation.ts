/**
 * What the pool records of its runners each time it looks (create, update, refresh): counts for
 * the component's outputs, and one line per VM, so a preview can say which runners a change
 * touches and a refresh can say what happened to them since (pool-drift.ts) without an API call.
 */
import type { FleetManager } from "../fleet/create-runner-manager.js";
import { CloudRunnerState, HealthState, type RunnerInstance } from "../manager/types.js";

/** Runner counts by GitHub state, as last observed. */
export interface PoolCounts {
  total: number;
  idle: number;
  busy: number;
  offline: number;
}

/**
 * A VM of the fleet as last observed. Live states: `idle`, `busy`, `offline` (registered, not yet
 * or no longer online), `unlisted` (GitHub does not list it yet). Stale states, which cleanup
 * removes: `used` (its ephemeral runner ran a job and left), `failed` (VM in ERROR), `stuck`
 * (never came online within the creation timeout).
 */
export interface ObservedMember {
  name: string;
  state: "idle" | "busy" | "offline" | "unlisted" | "used" | "failed" | "stuck";
  createdAt: string;
  fingerprint?: string;
}

/** What an observation adds to the pool's outputs. */
export interface Observation {
  observed: PoolCounts;
  /** Live runners' names, sorted. */
  runnerNames: string[];
  /** VMs that cleanup would remove (counted apart from the live ones). */
  stale: number;
  members: ObservedMember[];
}

const STALE = new Set<ObservedMember["state"]>(["used", "failed", "stuck"]);

/** Whether a member still counts as one of the fleet's runners. */
export const isLive = (member: ObservedMember): boolean => !STALE.has(member.state);

/** The fleet's runners now (one listing of each API). */
export async function observeFleet(fleet: FleetManager): Promise<Observation> {
  return observationOf((await fleet.manager.getRunners()).map(memberOf));
}

/** Counts and names derived from the members. */
export function observationOf(members: ObservedMember[]): Observation {
  const live = members.filter(isLive);
  const observed: PoolCounts = { total: live.length, idle: 0, busy: 0, offline: 0 };
  for (const m of live) if (m.state === "idle" || m.state === "busy" || m.state === "offline") observed[m.state]++;
  const sorted = [...members].sort((a, b) => a.name.localeCompare(b.name));
  return { observed, runnerNames: live.map((m) => m.name).sort(), stale: members.length - live.length, members: sorted };
}

function memberOf(runner: RunnerInstance): ObservedMember {
  return {
    name: runner.name,
    state: stateOf(runner),
    createdAt: runner.createdAt.toISOString(),
    ...(runner.fingerprint ? { fingerprint: runner.fingerprint } : {}),
  };
}

function stateOf(runner: RunnerInstance): ObservedMember["state"] {
  if (runner.cloudState === CloudRunnerState.Error) return "failed";
  if (runner.health === HealthState.Unhealthy) {
    // Stopped: the ephemeral runner exited after its job and powered off; not on GitHub any more
    // (past the grace period): it deregistered after its job. Otherwise it never came online.
    return runner.cloudState === CloudRunnerState.Stopped || runner.githubState === undefined ? "used" : "stuck";
  }
  return runner.githubState ?? "unlisted";
}
