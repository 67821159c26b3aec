/**
 * The autoscaling loop of `runner-fleet serve`: one cycle observes the fleet once, decides with
 * the pure policy inside a store transaction (so two controllers sharing the store never both
 * claim the same need), then creates the claimed runners and retires the chosen idle ones through
 * the manager. Cycles never overlap; demand events ask for one, and a timer runs them regardless.
 */
import { planAutoscale, type AutoscaleDecision, type ObservedRunner } from "../autoscale/policy.js";
import type { AutoscaleConfig } from "../autoscale/config.js";
import type { DemandStore, DemandStoreOps } from "../demand/store.js";
import { describeError } from "../manager/errors.js";
import { newInstanceName } from "../manager/naming.js";
import type { Logger } from "../manager/ports.js";
import type { RunnerManager } from "../manager/runner-manager.js";
import { pendingClaims, type SupplyRules, supplyOf, waitingJobs } from "./supply.js";

/** What a controller records (src/serve/metrics.ts implements it; tests may pass nothing). */
export interface ControllerMetrics {
  cycle(seconds: number, decision: AutoscaleDecision, states: Record<string, number>): void;
  creations(outcome: "created" | "failed", count: number): void;
  deletions(outcome: "deleted" | "kept_busy" | "failed", count: number): void;
}

/** Collaborators and tuning of a controller. */
export interface ControllerOptions {
  manager: RunnerManager;
  store: DemandStore;
  /** Read each cycle, so a reloaded config (serve --stack) takes effect at the next one. */
  autoscale: () => AutoscaleConfig;
  /**
   * This controller's id in the store's claims: stable across its restarts (so a restart can
   * settle the claims its previous process left) and distinct from every other controller's.
   */
  owner: string;
  /** Runners whose job finished (demand events): ephemeral, so on their way out, not supply. */
  finishedRunners?: () => ReadonlySet<string>;
  /**
   * The jobs waiting for the fleet, read inside the decision's transaction; default: the store's
   * queued jobs (webhooks), less those a busy runner already runs (waitingJobs).
   */
  waiting?: (tx: DemandStoreOps, supply: ObservedRunner[], running: ReadonlySet<string>) => Promise<number>;
  /** False while another controller holds the demand source (a scale set's hot standby): observe, decide nothing. */
  active?: () => boolean;
  logger: Logger;
  metrics?: ControllerMetrics;
  now?: () => Date;
  creationTimeoutSeconds?: number;
  claimTtlMs?: number;
}

/** What one cycle saw and did. */
export interface CycleReport {
  decision: AutoscaleDecision;
  created: string[];
  failed: string[];
  retired: string[];
}

/** One fleet's autoscaling loop. */
export class AutoscaleController {
  private running: Promise<unknown> | undefined;
  private again = false;
  private stopped = false;
  /** Names the store's claims hold right now, for the manager's cleanup (inFlightElsewhere). */
  private claimed = new Set<string>();
  /** After a batch where nothing could be created (quota, cloud down): no creation until then. */
  private createPausedUntil = 0;
  /** Creations started by event-driven cycles, still running. */
  private readonly creating = new Set<Promise<unknown>>();
  private failedBatches = 0;

  constructor(private readonly o: ControllerOptions) {}

  /** Names being created by any controller of the store, as of the last cycle. */
  inFlight(): Iterable<string> {
    return this.claimed;
  }

  /**
   * Settles the claims this controller's previous process left when it was killed: a runner the
   * cloud lists was created; any other claim failed (its GitHub runner, if registered, is then
   * dangling and cleanup removes it), so the next cycle creates what is still needed, once.
   */
  async recover(): Promise<{ created: number; failed: number }> {
    const { manager, store, owner } = this.o;
    const left = await store.listCreations({ owner, state: "creating" });
    if (left.length === 0) return { created: 0, failed: 0 };
    const listed = new Set((await manager.getRunners()).map((r) => r.name));
    const at = this.now();
    let created = 0;
    for (const claim of left) {
      const exists = listed.has(claim.runnerName);
      await store.finishCreation(claim.runnerName, exists ? "created" : "failed", at);
      if (exists) created++;
    }
    this.o.logger.info(`autoscale: settled ${left.length} creations of the previous run: ${created} created, ${left.length - created} failed`);
    return { created, failed: left.length - created };
  }

  /** Asks for a cycle: runs one now, or once more after the one in progress. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** Runs a cycle now (waiting for one in progress first) and returns its report. */
  async cycleNow(): Promise<CycleReport> {
    await this.running;
    const report = this.cycle();
    this.running = report.catch(() => undefined);
    try {
      return await report;
    } finally {
      this.running = undefined;
    }
  }

  /** Takes no more requests; resolves when the cycle in progress and every creation it started are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    await this.running;
    await Promise.allSettled([...this.creating]);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.cycle({ background: true }).catch((error: unknown) => this.o.logger.error("autoscale cycle failed", { error: describeError(error) }));
    } while (this.again && !this.stopped);
  }

  private async cycle(options: { background?: boolean } = {}): Promise<CycleReport> {
    const { manager, store, owner, logger } = this.o;
    const started = this.now();
    const runners = await manager.getRunners();
    const rules = this.rules(started);
    const { decision, names, states } = await store.transaction(async (tx) => {
      const claims = await tx.listCreations();
      const running = new Set((await tx.listJobs({ status: "in_progress" })).flatMap((j) => (j.runnerName ? [j.runnerName] : [])));
      const supply = supplyOf(runners, claims, { running, finished: this.o.finishedRunners?.() ?? new Set() }, rules);
      const queued = this.o.waiting ? await this.o.waiting(tx, supply, running) : waitingJobs(await tx.countJobs("queued"), supply, running);
      const active = this.o.active?.() ?? true;
      const planned = planAutoscale({ runners: supply, queued, config: this.o.autoscale(), now: rules.now });
      const decision = active ? planned : { ...planned, create: 0, retire: [], reason: `${planned.reason} (standby: the active controller acts)` };
      const paused = rules.now.getTime() < this.createPausedUntil;
      const names = paused ? [] : Array.from({ length: decision.create }, () => newInstanceName(manager.namePrefix));
      for (const runnerName of names) await tx.claimCreation({ runnerName, owner, at: rules.now });
      this.claimed = new Set([...pendingClaims(claims, rules).filter((c) => c.state === "creating").map((c) => c.runnerName), ...names]);
      const states: Record<string, number> = {};
      for (const r of supply) states[r.tookJob ? "busy" : r.state] = (states[r.tookJob ? "busy" : r.state] ?? 0) + 1;
      return { decision, names, states };
    });
    if (decision.create > 0 || decision.retire.length > 0) logger.info(`autoscale: ${decision.reason}`);
    const report: CycleReport = { decision, created: [], failed: [], retired: [] };
    if (names.length > 0 && options.background) {
      // Demand that arrives while VMs are being created needs the next cycle now, not after them:
      // the claims already count these runners as supply, so that cycle cannot make them twice.
      const creation = this.create(names, report)
        .catch((error: unknown) => this.o.logger.error("autoscale creation failed", { error: describeError(error) }))
        .finally(() => (this.creating.delete(creation), this.request()));
      this.creating.add(creation);
    } else if (names.length > 0) await this.create(names, report);
    if (decision.retire.length > 0) await this.retire(decision.retire, report);
    this.o.metrics?.cycle((this.now().getTime() - started.getTime()) / 1000, decision, states);
    return report;
  }

  private async create(names: string[], report: CycleReport): Promise<void> {
    const { manager, store } = this.o;
    const created = await manager.createNamedRunners(names).catch((error: unknown) => ({ created: [], failures: names.map((name) => ({ name, error })) }));
    const at = this.now();
    for (const instance of created.created) {
      await store.finishCreation(instance.name, "created", at);
      report.created.push(instance.name);
    }
    for (const failure of created.failures) {
      await store.finishCreation(failure.name, "failed", at);
      report.failed.push(failure.name);
    }
    this.o.metrics?.creations("created", report.created.length);
    this.o.metrics?.creations("failed", report.failed.length);
    // Every demand event asks for a cycle: without a pause, a full quota or a cloud outage would
    // be hammered with creations. Back off 2 s, 4 s, … up to a minute; any success resets it.
    if (report.created.length > 0) this.failedBatches = 0;
    else {
      this.failedBatches++;
      const pauseMs = Math.min(60_000, 1000 * 2 ** this.failedBatches);
      this.createPausedUntil = at.getTime() + pauseMs;
      this.o.logger.warn(`autoscale: no runner could be created; creating again in ${pauseMs / 1000} s`, { failed: report.failed.length });
    }
  }

  private async retire(names: string[], report: CycleReport): Promise<void> {
    const outcome = await this.o.manager.retireRunners(names);
    const retired = outcome.outcomes.filter((o) => o.reason === "idle-timeout");
    report.retired = retired.filter((o) => o.vm === "deleted" || o.vm === "gone").map((o) => o.name);
    this.o.metrics?.deletions("deleted", outcome.outcomes.filter((o) => o.vm === "deleted" || o.vm === "gone").length);
    this.o.metrics?.deletions("kept_busy", outcome.outcomes.filter((o) => o.vm === "kept").length);
    this.o.metrics?.deletions("failed", outcome.outcomes.filter((o) => o.vm === "failed").length);
  }

  private rules(observedAt: Date): SupplyRules {
    return {
      now: this.now(),
      observedAt,
      creationTimeoutSeconds: this.o.creationTimeoutSeconds ?? 1200,
      claimTtlMs: this.o.claimTtlMs ?? 10 * 60_000,
    };
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }
}
