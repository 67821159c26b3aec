/**
 * The simulated GitHub's behaviour over its state: JIT registration, runners coming online when a
 * VM starts them, the job scheduler, job completion deregistering ephemeral runners, and VMs lost
 * mid-job. Every transition is driven by `now()` timestamps checked in `tick()`.
 */
import type { CloudSideHooks } from "./bridge.js";
import { decodeJitConfig, encodeJitConfig, newJitSecret } from "./github-jit.js";
import { pruneJitTimes } from "./github-ratelimit.js";
import { createJob, runnerFor, type JobAction, type JobSpec } from "./github-jobs.js";
import { preJobMarker } from "./github-markers.js";
import { listedBusyAt, type GitHubWorldState, type SandboxJob, type SandboxRunner } from "./github-state.js";

/** Timing knobs of the world (see createGitHubSide). */
export interface WorldOptions {
  now: () => number;
  hooks: CloudSideHooks;
  busyLagMs: number;
  onlineDelayMs: number;
  /** Told about every job transition, after the state has changed (the webhooks send from here). */
  jobChanged?: (job: SandboxJob, action: JobAction) => void;
  /** Who else hands out jobs (the Actions service's scale sets): runs before the scheduler and filters its matches. */
  dispatch?: JobDispatch;
}

/** A second dispatcher beside the scheduler (actions-world.ts decides which jobs scale sets take). */
export interface JobDispatch {
  /** Runs at every tick right before queued jobs are handed to runners. */
  beforeSchedule(now: number): void;
  /** Whether the scheduler may hand `job` to `runner` (labels and scope already match). */
  mayServe(job: SandboxJob, runner: SandboxRunner): boolean;
}

/** The GitHub world: state plus the rules that move it. `state` is replaced wholesale on restore. */
export class GitHubWorld {
  constructor(
    public state: GitHubWorldState,
    private readonly options: WorldOptions,
  ) {}

  /** The sandbox clock. */
  now(): number {
    return this.options.now();
  }

  /** The busy flag as the runner list shows it (lags the truth by busyLagMs). */
  listedBusy(runner: SandboxRunner): boolean {
    return listedBusyAt(runner, this.now(), this.options.busyLagMs);
  }

  /** A stable id per label name, as GitHub numbers labels. */
  labelId(name: string): number {
    const key = name.toLowerCase();
    const id = this.state.labelIds[key] ?? this.state.counters.labelId++;
    this.state.labelIds[key] = id;
    return id;
  }

  /** Registers an offline ephemeral runner and returns it with its encoded JIT config. */
  registerRunner(scope: string, name: string, groupId: number, labels: string[]): { runner: SandboxRunner; jitConfig: string } {
    const now = this.now();
    const runner: SandboxRunner = {
      id: this.state.counters.runnerId++,
      name,
      scope,
      groupId,
      labels: [...labels],
      ephemeral: true,
      createdAt: now,
      jitSecret: newJitSecret(),
      processAlive: false,
      status: "offline",
      busy: false,
      listedBusy: false,
      busyChangedAt: now,
    };
    labels.forEach((l) => this.labelId(l));
    this.state.runners.push(runner);
    return { runner, jitConfig: encodeJitConfig({ runnerId: runner.id, name, secret: runner.jitSecret }) };
  }

  /** Deregisters a runner unless it is truly running a job; its runner process (if any) exits. */
  deleteRunner(runner: SandboxRunner): "deleted" | "busy" {
    if (runner.busy) return "busy";
    this.state.runners = this.state.runners.filter((r) => r.id !== runner.id);
    this.exitProcess(runner, 0);
    return "deleted";
  }

  /** Queues a job; the scheduler hands it to a matching runner at the next tick. */
  enqueueJob(spec: JobSpec): SandboxJob {
    const job = createJob(this.state, spec, this.now());
    this.state.jobs.push(job);
    this.options.jobChanged?.(job, "queued");
    return job;
  }

  /** A VM ran `run.sh --jitconfig`: true when the config names a registered runner not already started elsewhere. */
  runnerStarted(vmId: string, jitConfig: string): boolean {
    const payload = decodeJitConfig(jitConfig);
    const runner = this.state.runners.find((r) => r.id === payload?.runnerId);
    if (runner === undefined || payload === undefined || runner.jitSecret !== payload.secret) return false;
    // A JIT config is good for one runner session; another VM presenting it is refused.
    if (runner.vmId !== undefined && (runner.vmId !== vmId || !runner.processAlive)) return false;
    const now = this.now();
    runner.vmId = vmId;
    runner.processAlive = true;
    runner.onlineAt = now + this.options.onlineDelayMs;
    if (runner.onlineAt <= now) runner.status = "online";
    return true;
  }

  /** A VM vanished: its runner goes offline (staying registered) and its job, if any, fails. */
  vmGone(vmId: string): void {
    const runner = this.state.runners.find((r) => r.vmId === vmId && r.processAlive);
    if (runner === undefined) return;
    runner.processAlive = false;
    runner.status = "offline";
    const job = this.state.jobs.find((j) => j.id === runner.jobId && j.status === "in_progress");
    if (job !== undefined) this.completeJob(job, "failure", false);
  }

  /** Applies every transition due by now: runners online, jobs done, queued jobs assigned. */
  tick(): void {
    const now = this.now();
    for (const r of this.state.runners) {
      if (r.processAlive && r.status === "offline" && r.onlineAt !== undefined && r.onlineAt <= now) r.status = "online";
    }
    const due = this.state.jobs.filter((j) => j.status === "in_progress" && (j.startedAt ?? now) + j.durationMs <= now);
    for (const job of due) this.completeJob(job, job.plannedConclusion, true);
    this.options.dispatch?.beforeSchedule(now);
    this.schedule(now);
    pruneJitTimes(this.state, now);
  }

  /** Ends a job no runner ever took (the Actions service gave up re-offering it): `completed` with `failure`. */
  failQueuedJob(job: SandboxJob): void {
    if (job.status !== "queued") return;
    Object.assign(job, { status: "completed", conclusion: "failure", completedAt: this.now() });
    this.options.jobChanged?.(job, "completed");
  }

  // --- internal ---

  /** Hands queued jobs, oldest first, to the oldest idle online runner whose labels cover them. */
  private schedule(now: number): void {
    for (const job of this.state.jobs.filter((j) => j.status === "queued")) {
      const runner = runnerFor(this.state, job, (j, r) => this.options.dispatch?.mayServe(j, r) ?? true);
      if (runner !== undefined) this.assign(job, runner, now);
    }
  }

  private assign(job: SandboxJob, runner: SandboxRunner, now: number): void {
    Object.assign(job, {
      status: "in_progress",
      startedAt: now,
      runnerId: runner.id,
      runnerName: runner.name,
      runnerGroupId: runner.groupId,
      vmId: runner.vmId,
    });
    this.setBusy(runner, true, now);
    runner.jobId = job.id;
    // The runner's job-started hook writes this (docs/console-markers.md).
    if (runner.vmId !== undefined) this.options.hooks.writeConsole(runner.vmId, preJobMarker(job, now));
    this.options.jobChanged?.(job, "in_progress");
  }

  /** Ends a job; a normally finished ephemeral runner deregisters and its process exits. */
  private completeJob(job: SandboxJob, conclusion: "success" | "failure", finished: boolean): void {
    const now = this.now();
    Object.assign(job, { status: "completed", conclusion, completedAt: now });
    this.options.jobChanged?.(job, "completed");
    const runner = this.state.runners.find((r) => r.id === job.runnerId);
    if (runner === undefined) return;
    this.setBusy(runner, false, now);
    delete runner.jobId;
    if (!finished || !runner.ephemeral) return;
    this.state.runners = this.state.runners.filter((r) => r.id !== runner.id);
    this.exitProcess(runner, conclusion === "success" ? 0 : 1);
  }

  private exitProcess(runner: SandboxRunner, exitCode: number): void {
    if (!runner.processAlive || runner.vmId === undefined) return;
    runner.processAlive = false;
    runner.status = "offline";
    // State is final before the hook runs: the cloud side may re-enter (vmGone) synchronously.
    this.options.hooks.runnerExited(runner.vmId, exitCode);
  }

  private setBusy(runner: SandboxRunner, busy: boolean, now: number): void {
    runner.listedBusy = listedBusyAt(runner, now, this.options.busyLagMs);
    runner.busy = busy;
    runner.busyChangedAt = now;
  }
}
