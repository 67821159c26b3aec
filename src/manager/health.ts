/** A runner's health, judged from GitHub first and the cloud for dead, stopped or stale VMs. Pure. */
import { ageSeconds, githubStateOf, type Member, runnerIdOf } from "./fleet-view.js";
import { instanceIdOf } from "./naming.js";
import type { CleanupRules } from "./plan.js";
import { CloudRunnerState, HealthState, type RunnerInstance } from "./types.js";

/** Unhealthy when cleanup would remove it; unknown while a new VM is not yet listed on GitHub. */
export function healthOf(member: Member, rules: CleanupRules): HealthState {
  const { instance, runner } = member;
  if (instance.state === CloudRunnerState.Error || instance.state === CloudRunnerState.Stopped) return HealthState.Unhealthy;
  const age = ageSeconds(instance, rules.now);
  if (!runner) return age > rules.graceSeconds ? HealthState.Unhealthy : HealthState.Unknown;
  if (!runner.online && !runner.busy && age > rules.creationTimeoutSeconds) return HealthState.Unhealthy;
  return HealthState.Healthy;
}

/** The seed's `RunnerInstance` for one member. */
export function toRunnerInstance(prefix: string, member: Member, health: HealthState): RunnerInstance {
  const { instance, runner } = member;
  const runnerId = runnerIdOf(member);
  return {
    name: instance.name,
    instanceId: instanceIdOf(prefix, instance.name),
    health,
    ...(runner ? { githubState: githubStateOf(runner) } : {}),
    cloudState: instance.state,
    serverId: instance.id,
    ...(runnerId === undefined ? {} : { runnerId }),
    createdAt: instance.createdAt,
    ...(instance.fingerprint ? { fingerprint: instance.fingerprint } : {}),
  };
}
