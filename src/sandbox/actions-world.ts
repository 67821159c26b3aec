/**
 * The Actions service's rules over the one world (reference §1.7, §2, §5 "Scale set API"): queued
 * jobs routed to a scale set are offered, acquired, assigned, started by one of its JIT runners and
 * completed; assignments no runner takes are cancelled and re-offered up to 3 times; never-started
 * JIT runners are removed after a TTL; lapsed sessions free their scale set.
 *
 * Sharing jobs with REST-registered runners: a queued job goes to a scale set only when one in a
 * scope serving the repository has an open session and its labels (its name included) cover every
 * `runs-on` label, case-insensitively. Once routed it stays with that scale set and only that scale
 * set's runners may take it; every other job is left to the REST runners, which never take a
 * routed one, and scale-set runners take nothing else.
 */
import type { JobAction } from "./github-jobs.js";
import { scopeServes, type SandboxJob, type SandboxRunner } from "./github-state.js";
import type { GitHubWorld } from "./github-world.js";
import { jobMessage, queueOf, statisticsOf, type JobMessageType } from "./actions-messages.js";
import { actionsStateOf } from "./actions-tokens.js";
import type { ActionsState, JobClaim, ResolvedActionsOptions, ScaleSetRecord } from "./actions-types.js";

/** The service's behaviour; its state lives in the world's state (`world.state.actions`). */
export class ActionsWorld {
  /** Polls waiting right now, by session id (a session with a poll in flight does not lapse). */
  readonly polling = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly world: GitHubWorld,
    public options: ResolvedActionsOptions,
  ) {}

  /** The service's state (replaced with the world's on restore). */
  get state(): ActionsState {
    return actionsStateOf(this.world.state);
  }

  /** The sandbox clock. */
  now(): number {
    return this.world.now();
  }

  /** Calls `listener` after every change a long poll may be waiting for; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wakes every waiting poll (new messages, sessions gone). */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** The session holding a scale set, if any. */
  sessionOf(scaleSetId: number): ActionsState["sessions"][number] | undefined {
    return this.state.sessions.find((s) => s.scaleSetId === scaleSetId);
  }

  /** Before the world's scheduler runs: lapse sessions, route and time out jobs, reap runners. */
  beforeSchedule(now: number): void {
    const state = this.state;
    const lapsed = state.sessions.filter((s) => s.lastSeenAt + this.options.sessionTimeoutMs <= now && !this.polling.has(s.sessionId));
    if (lapsed.length > 0) {
      state.sessions = state.sessions.filter((s) => !lapsed.includes(s));
      this.changed();
    }
    for (const [token, t] of Object.entries(state.registrationTokens)) if (t.expiresAt <= now) delete state.registrationTokens[token];
    // §1.7: re-offers wait "with growing delays"; the growth is [unverified], so it is an option.
    const timeout = (c: JobClaim): number => this.options.assignmentTimeoutMs * this.options.assignmentTimeoutGrowth ** c.cancellations;
    for (const job of this.world.state.jobs) {
      const claim = state.claims[String(job.id)];
      if (job.status !== "queued") continue;
      if (claim === undefined) this.route(job);
      else if (claim.state === "assigned" && (claim.scaleSetAssignTime ?? now) + timeout(claim) <= now) this.cancelAssignment(job, claim);
    }
    // §2: "If JIT runners never run a job, they will automatically be removed."
    const stale = this.world.state.runners.filter((r) => r.scaleSetId !== undefined && r.vmId === undefined && r.createdAt + this.options.jitRunnerTtlMs <= now);
    for (const runner of stale) this.world.deleteRunner(runner);
  }

  /** Whether the world's scheduler may hand `job` to `runner` (see the file comment). */
  mayServe(job: SandboxJob, runner: SandboxRunner): boolean {
    const claim = this.state.claims[String(job.id)];
    if (claim === undefined) return runner.scaleSetId === undefined;
    return claim.state === "assigned" && runner.scaleSetId === claim.scaleSetId;
  }

  /** A job moved in the world: a routed job's runner took it (JobStarted) or it ended (JobCompleted). */
  jobChanged(job: SandboxJob, action: JobAction): void {
    const claim = this.state.claims[String(job.id)];
    if (claim === undefined || action === "queued") return;
    const runner = { runnerId: job.runnerId ?? 0, runnerName: job.runnerName ?? "" };
    if (action === "in_progress") {
      Object.assign(claim, { state: "running", runnerAssignTime: this.now() });
      this.post(claim.scaleSetId, "JobStarted", job, claim, runner);
      return;
    }
    delete this.state.claims[String(job.id)];
    // Result values other than "canceled" are [unverified] (§1.7); the runner's vocabulary is assumed.
    if (claim.state === "running") this.post(claim.scaleSetId, "JobCompleted", job, claim, { result: job.conclusion === "success" ? "succeeded" : "failed", ...runner });
  }

  /** acquirejobs (§1.8): the offered ids that fit under `capacity` (X-ScaleSetMaxCapacity) become assigned. */
  acquire(scaleSetId: number, requestIds: number[], capacity: number | undefined): number[] {
    let assigned = statisticsOf(this.state, this.world.state, scaleSetId).totalAssignedJobs;
    const acquired: number[] = [];
    for (const id of requestIds) {
      const claim = Object.values(this.state.claims).find((c) => c.requestId === id && c.scaleSetId === scaleSetId && c.state === "available");
      const job = this.world.state.jobs.find((j) => j.id === claim?.jobId);
      // Never more jobs assigned than the declared capacity (§5; how GitHub applies it is [unverified]).
      if (claim === undefined || job === undefined || acquired.includes(id) || (capacity !== undefined && assigned >= capacity)) continue;
      Object.assign(claim, { state: "assigned", scaleSetAssignTime: this.now() });
      assigned += 1;
      acquired.push(id);
      this.post(scaleSetId, "JobAssigned", job, claim);
    }
    return acquired;
  }

  /** Whether a scale set may serve a job: scope, and labels ∪ {name} ⊇ the job's labels, case-insensitively. */
  serves(scaleSet: ScaleSetRecord, job: SandboxJob): boolean {
    const have = new Set([scaleSet.name, ...scaleSet.labels.map((l) => l.name)].map((l) => l.toLowerCase()));
    return scopeServes(scaleSet.scope, job.repository) && job.labels.every((l) => have.has(l.toLowerCase()));
  }

  /** Queues a job message for the scale set's next message and wakes its polls. */
  post(scaleSetId: number, type: JobMessageType, job: SandboxJob, claim: JobClaim, extra?: Record<string, unknown>): void {
    queueOf(this.state, scaleSetId).outbox.push(jobMessage(type, job, claim, extra));
    this.changed();
  }

  // --- internal ---

  private route(job: SandboxJob): void {
    const scaleSet = this.state.scaleSets.find((s) => this.sessionOf(s.id) !== undefined && this.serves(s, job));
    if (scaleSet === undefined) return;
    const claim: JobClaim = { jobId: job.id, scaleSetId: scaleSet.id, requestId: this.state.counters.requestId++, state: "available", cancellations: 0 };
    this.state.claims[String(job.id)] = claim;
    this.post(scaleSet.id, "JobAvailable", job, claim);
  }

  /** §1.7: JobAssigned → JobCompleted{canceled}, then a new offer (a new request id) up to maxReassignments times. */
  private cancelAssignment(job: SandboxJob, claim: JobClaim): void {
    this.post(claim.scaleSetId, "JobCompleted", job, claim, { result: "canceled", runnerId: 0, runnerName: "" });
    if (claim.cancellations >= this.options.maxReassignments) {
      delete this.state.claims[String(job.id)];
      this.world.failQueuedJob(job);
      return;
    }
    claim.cancellations += 1;
    claim.requestId = this.state.counters.requestId++;
    claim.state = "available";
    delete claim.scaleSetAssignTime;
    this.post(claim.scaleSetId, "JobAvailable", job, claim);
  }
}
