/**
 * What to delete, decided from one observation of the fleet. Pure: no I/O, no logging, no
 * metrics (upstream's double-counted metric came from side effects in its decision code).
 * The manager applies a plan with `applyDeletions` (apply.ts).
 */
import { ageSeconds, type FleetView, githubStateOf, type Member, runnerIdOf } from "./fleet-view.js";
import type { CloudInstance } from "./ports.js";
import { CloudRunnerState, FlushMode, GitHubRunnerState } from "./types.js";

/** Why a runner or VM is deleted. */
export type DeletionReason =
  | "dangling-runner"
  | "runner-gone"
  | "vm-error"
  | "vm-stopped"
  | "creation-timeout"
  | "duplicate-vm"
  | "scale-down"
  | "flush-idle"
  | "flush-busy"
  | "outdated"
  | "idle-timeout";

/** One runner to remove: deregister on GitHub first (when it has an id), then maybe delete its VM. */
export interface Deletion {
  name: string;
  reason: DeletionReason;
  runnerId?: number;
  instance?: CloudInstance;
  /**
   * `always`: the VM goes whatever GitHub answers (dead VMs, hard scale-down, FlushBusy).
   * `if-deregistered`: only once GitHub confirmed the runner is gone — a runner may pick up a
   * job between our listing and our delete, and GitHub's 422 is the only truthful busy signal.
   */
  vmPolicy: "always" | "if-deregistered";
}

/** Timing rules of cleanup. */
export interface CleanupRules {
  now: Date;
  /** A VM younger than this whose runner GitHub does not list may simply not be listed yet. */
  graceSeconds: number;
  /** An offline, idle runner whose VM is older than this never came up. */
  creationTimeoutSeconds: number;
  /** Names this process is creating right now: their GitHub runner exists before their VM. */
  inFlight?: ReadonlySet<string>;
}

/**
 * Cleanup targets, one pass (reference §2.6, SPEC §3):
 * 1. dangling GitHub runners of this fleet with no VM;
 * 2. VMs whose GitHub runner no longer exists, once older than the grace period;
 * 3. VMs in ERROR, at once (they never recover);
 * 4. VMs stopped (the ephemeral runner exited and cloud-init powered off);
 * 5. offline, non-busy runners whose VM is older than the creation timeout;
 * 6. older VMs that share a name with a newer one.
 */
export function planCleanup(view: FleetView, rules: CleanupRules): Deletion[] {
  const deletions: Deletion[] = [];
  for (const runner of view.dangling) {
    if (rules.inFlight?.has(runner.name)) continue;
    deletions.push({ name: runner.name, reason: "dangling-runner", runnerId: runner.id, vmPolicy: "always" });
  }
  for (const member of view.members) {
    const reason = cleanupReason(member, rules);
    if (reason) deletions.push(memberDeletion(member, reason, reason === "creation-timeout" ? "if-deregistered" : "always"));
  }
  for (const instance of view.duplicates) {
    // The runner registration belongs to the newest VM of that name: leave it alone.
    deletions.push({ name: instance.name, reason: "duplicate-vm", instance, vmPolicy: "always" });
  }
  return deletions;
}

function cleanupReason(member: Member, rules: CleanupRules): DeletionReason | undefined {
  const { instance, runner } = member;
  if (instance.state === CloudRunnerState.Error) return "vm-error";
  if (instance.state === CloudRunnerState.Stopped) return "vm-stopped";
  const age = ageSeconds(instance, rules.now);
  if (!runner) return age > rules.graceSeconds ? "runner-gone" : undefined;
  if (!runner.online && !runner.busy && age > rules.creationTimeoutSeconds) return "creation-timeout";
  return undefined;
}

function memberDeletion(member: Member, reason: DeletionReason, vmPolicy: Deletion["vmPolicy"]): Deletion {
  const runnerId = runnerIdOf(member);
  return {
    name: member.instance.name,
    reason,
    ...(runnerId === undefined ? {} : { runnerId }),
    instance: member.instance,
    vmPolicy,
  };
}

/** How many VMs a set of deletions removes (what counts against a scale-down). */
export function vmsRemoved(deletions: readonly Deletion[]): number {
  return deletions.filter((d) => d.instance && d.reason !== "duplicate-vm").length;
}

/** Deletion priority: not on GitHub, then offline, then idle, then busy (reference §2.4). */
function scaleDownRank(member: Member): number {
  if (!member.runner) return 0;
  const state = githubStateOf(member.runner);
  return state === GitHubRunnerState.Offline ? 1 : state === GitHubRunnerState.Idle ? 2 : 3;
}

/**
 * Scale-down: `count` runners not already in `cleanup`, taken by priority (oldest first within a
 * rank). Soft never selects a runner GitHub lists as busy, and keeps the VM when GitHub answers
 * 422; hard deletes the VM anyway and leaves the GitHub runner to a later cleanup.
 */
export function planScaleDown(view: FleetView, count: number, soft: boolean, cleanup: readonly Deletion[]): Deletion[] {
  const taken = new Set(cleanup.map((d) => d.name));
  return view.members
    .filter((m) => !taken.has(m.instance.name))
    .filter((m) => !soft || m.runner?.busy !== true)
    .sort((a, b) => scaleDownRank(a) - scaleDownRank(b) || compareAge(a, b))
    .slice(0, count)
    .map((m) => memberDeletion(m, "scale-down", soft ? "if-deregistered" : "always"));
}

/**
 * Flush: FlushIdle takes online idle runners and deletes a VM only after GitHub confirmed its
 * runner's deletion; FlushBusy takes every runner of the fleet, busy ones included.
 */
export function planFlush(view: FleetView, mode: FlushMode, cleanup: readonly Deletion[]): Deletion[] {
  const taken = new Set(cleanup.map((d) => d.name));
  const candidates = view.members.filter((m) => !taken.has(m.instance.name));
  if (mode === FlushMode.FlushBusy) return candidates.map((m) => memberDeletion(m, "flush-busy", "always"));
  return candidates
    .filter((m) => m.runner && githubStateOf(m.runner) === GitHubRunnerState.Idle)
    .map((m) => memberDeletion(m, "flush-idle", "if-deregistered"));
}

/**
 * Retirement of chosen runners (an autoscaler's idle ones): those of `names` GitHub does not list
 * as busy, each deleted only once GitHub confirmed its runner's deletion, so a runner that took a
 * job since it was chosen keeps its VM (GitHub answers 422).
 */
export function planRetire(view: FleetView, names: readonly string[], cleanup: readonly Deletion[]): Deletion[] {
  const wanted = new Set(names);
  const taken = new Set(cleanup.map((d) => d.name));
  return view.members
    .filter((m) => wanted.has(m.instance.name) && !taken.has(m.instance.name) && m.runner?.busy !== true)
    .map((m) => memberDeletion(m, "idle-timeout", "if-deregistered"));
}

/**
 * Rolling update: runners whose VM was made from another configuration (image, flavor, network,
 * labels, user data) and that are not running a job: idle, offline or not yet on GitHub. Busy
 * ones are left to finish their job; being ephemeral, they are then replaced with the new config.
 */
export function planOutdated(view: FleetView, fingerprint: string, cleanup: readonly Deletion[]): Deletion[] {
  const taken = new Set(cleanup.map((d) => d.name));
  return view.members
    .filter((m) => !taken.has(m.instance.name) && m.instance.fingerprint !== fingerprint && m.runner?.busy !== true)
    .map((m) => memberDeletion(m, "outdated", "if-deregistered"));
}

function compareAge(a: Member, b: Member): number {
  return a.instance.createdAt.getTime() - b.instance.createdAt.getTime() || a.instance.name.localeCompare(b.instance.name);
}
