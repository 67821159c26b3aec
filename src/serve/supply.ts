/**
 * What the autoscaling policy is fed each cycle: the fleet as one observation shows it, the
 * creations claimed in the shared store that the observation does not show yet, and the runners
 * demand events say took a job. Pure.
 */
import type { ObservedRunner } from "../autoscale/policy.js";
import type { CreationRecord } from "../demand/store.js";
import { GitHubRunnerState, HealthState, type RunnerInstance } from "../manager/types.js";

/** How long claims count as supply without the observation showing them. */
export interface SupplyRules {
  now: Date;
  /** A runner offline this long after its VM was made never comes up: cleanup's, not supply. */
  creationTimeoutSeconds: number;
  /** A `creating` claim older than this belongs to a controller that died mid-creation. */
  claimTtlMs: number;
  /**
   * When the observation began: a creation finished after it may be missing from it (another
   * controller's, or one that finished while the lists were read), one finished before is in it —
   * or already used by a job and gone, which must not count as supply again.
   */
  observedAt: Date;
}

/** Runner names demand events tied to jobs: running ones (busy whatever GitHub lists) and finished ones (leaving). */
export interface JobRunners {
  running: ReadonlySet<string>;
  finished: ReadonlySet<string>;
}

/** The policy's view of the fleet. */
export function supplyOf(runners: readonly RunnerInstance[], claims: readonly CreationRecord[], jobs: JobRunners, rules: SupplyRules): ObservedRunner[] {
  const observed = new Set(runners.map((r) => r.name));
  const live: ObservedRunner[] = runners
    // Cleanup removes unhealthy VMs; a runner whose job finished is on its way out (ephemeral).
    .filter((r) => r.health !== HealthState.Unhealthy && !jobs.finished.has(r.name))
    .map((r) => ({ name: r.name, state: stateOf(r, rules), createdAt: r.createdAt, tookJob: jobs.running.has(r.name) }));
  const pending = pendingClaims(claims, rules)
    .filter((c) => !observed.has(c.runnerName))
    .map((c): ObservedRunner => ({ name: c.runnerName, state: "creating", createdAt: c.claimedAt, tookJob: false }));
  return [...live, ...pending];
}

/** Claims that still stand for a runner on its way: creating (not abandoned), or created after the observation began. */
export function pendingClaims(claims: readonly CreationRecord[], rules: SupplyRules): CreationRecord[] {
  const now = rules.now.getTime();
  return claims.filter((c) =>
    c.state === "creating" ? now - c.claimedAt.getTime() < rules.claimTtlMs
    : c.state === "created" ? (c.finishedAt ?? c.claimedAt).getTime() >= rules.observedAt.getTime()
    : false,
  );
}

function stateOf(runner: RunnerInstance, rules: SupplyRules): ObservedRunner["state"] {
  if (runner.githubState === GitHubRunnerState.Busy) return "busy";
  if (runner.githubState === GitHubRunnerState.Idle) return "idle";
  const age = (rules.now.getTime() - runner.createdAt.getTime()) / 1000;
  // Not on GitHub yet, or registered and not online yet: booting, until the creation timeout.
  return age < rules.creationTimeoutSeconds ? "starting" : "offline";
}

/**
 * Queued jobs the fleet still has to serve. A job that just started is counted twice for a while:
 * its runner shows busy (GitHub) before the job's in_progress delivery arrives (it is still
 * "queued" in the store). Busy runners no known job explains are taken to run queued ones.
 */
export function waitingJobs(queued: number, supply: readonly ObservedRunner[], running: ReadonlySet<string>): number {
  const unexplained = supply.filter((r) => r.state === "busy" && !running.has(r.name)).length;
  return Math.max(0, queued - unexplained);
}
