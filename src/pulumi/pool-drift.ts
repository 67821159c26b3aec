/**
 * What a refresh found changed since the pool last looked: runners used by jobs (ephemeral runners
 * are consumed by design), VMs that failed, runners that never came online, VMs deleted outside
 * Pulumi. Pure: the prior outputs against a new observation.
 *
 * Counted by state, not by name: flush and cleanup operations replace runners without the pool's
 * state knowing their new names, so a name recorded before may be gone for a good reason.
 *
 * With autoscale there is no drift: runner-fleet serve starts and retires runners, and replaces
 * the ones jobs used, between deployments; the observation alone records what it did.
 */
import { isLive, type ObservedMember } from "./pool-observation.js";
import type { PoolOutputs } from "./pool-inputs.js";

type Stale = "used" | "failed" | "stuck";

/** The drift as a phrase ("2 of 3 runners were used by jobs"), or undefined when nothing changed or the fleet autoscales. */
export function describeDrift(prior: Pick<PoolOutputs, "observed" | "members" | "autoscale">, now: readonly ObservedMember[]): string | undefined {
  if (prior.autoscale) return undefined;
  const before = prior.observed?.total ?? 0;
  const count = (members: readonly ObservedMember[] | undefined, state: Stale) => (members ?? []).filter((m) => m.state === state).length;
  // What became stale since: older state recorded no members, so all of it counts then.
  const fresh = (state: Stale) => Math.max(count(now, state) - count(prior.members, state), 0);
  const [used, failed, stuck] = [fresh("used"), fresh("failed"), fresh("stuck")];
  const deleted = Math.max(before - now.filter(isLive).length - used - failed - stuck, 0);
  const was = (n: number) => (n === 1 ? "was" : "were");
  const phrases = [
    used > 0 ? `${used} of ${before} runners ${was(used)} used by jobs` : "",
    failed > 0 ? `${failed} of ${before} VMs failed (ERROR)` : "",
    stuck > 0 ? `${stuck} of ${before} runners never came online` : "",
    deleted > 0 ? `${deleted} of ${before} VMs ${was(deleted)} deleted outside Pulumi` : "",
  ].filter(Boolean);
  return phrases.length > 0 ? phrases.join(", ") : undefined;
}
