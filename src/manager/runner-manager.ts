/**
 * The seed's runner manager (Canonical `RunnerManager`): observe the fleet, plan, apply, report.
 * It knows nothing of OpenStack, GitHub, Pulumi or HTTP; the ports carry that.
 */
import { applyDeletions, type ApplyContext, type OperationReport } from "./apply.js";
import { createRunners, type CreateReport, type ProgressOptions } from "./create.js";
import { drainFleet, type DrainOptions, type DrainReport } from "./drain.js";
import { assertCount } from "./counts.js";
import { type FleetView, githubStateOf, joinFleet } from "./fleet-view.js";
import { healthOf, toRunnerInstance } from "./health.js";
import { noMetrics, type MetricsSink } from "./metrics.js";
import { type CleanupRules, type Deletion, planCleanup, planFlush, planRetire, planScaleDown, vmsRemoved } from "./plan.js";
import { type CloudRunnerManager, type Logger, type RunnerPlatform, silentLogger } from "./ports.js";
import { reconcileFleet, type ReconcileReport } from "./reconcile.js";
import {
  CloudRunnerState,
  FlushMode,
  type GitHubRunnerState,
  type IssuedMetricEventsStats,
  type RunnerInstance,
  type RunnerManagerConfig,
} from "./types.js";

/** Collaborators and tuning of a manager; only `platform` is required. */
export interface RunnerManagerDeps {
  platform: RunnerPlatform;
  metrics?: MetricsSink;
  logger?: Logger;
  now?: () => Date;
  /** Labels the runners register with, besides `self-hosted` and `linux`. */
  labels?: string[];
  /** Runners created in parallel (default 10). */
  createConcurrency?: number;
  /** How the manager waits between polls (injectable so tests need not sleep). */
  sleep?: (ms: number) => Promise<void>;
  /** Runners deleted in parallel (default 10). */
  deleteConcurrency?: number;
  /** Seconds a new VM may go unlisted on GitHub before cleanup deletes it (default 60). */
  graceSeconds?: number;
  /** Seconds an offline, idle runner may take to come online (default 1200). */
  creationTimeoutSeconds?: number;
  /**
   * Names other processes are creating right now (claims in a store shared by several
   * controllers): cleanup leaves their GitHub runners alone while their VM does not exist yet.
   */
  inFlightElsewhere?: () => Iterable<string>;
}

/** Keeps a fleet of ephemeral runners: create, delete, flush, get, cleanup (SPEC §2–3). */
export class RunnerManager {
  readonly namePrefix: string;
  readonly managerName: string;
  readonly labels: string[];
  private readonly inFlight = new Set<string>();
  private readonly deps: Required<Omit<RunnerManagerDeps, "labels" | "inFlightElsewhere">>;
  private readonly inFlightElsewhere: () => Iterable<string>;

  constructor(
    readonly cloud: CloudRunnerManager,
    readonly config: RunnerManagerConfig,
    deps: RunnerManagerDeps,
  ) {
    const {
      platform,
      metrics = noMetrics,
      logger = silentLogger,
      now = () => new Date(),
      sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      labels = [],
      createConcurrency = 10,
      deleteConcurrency = 10,
      graceSeconds = 60,
      creationTimeoutSeconds = 1200,
    } = deps;
    this.deps = { platform, metrics, logger, now, sleep, createConcurrency, deleteConcurrency, graceSeconds, creationTimeoutSeconds };
    this.inFlightElsewhere = deps.inFlightElsewhere ?? (() => []);
    this.namePrefix = cloud.namePrefix;
    this.managerName = config.name;
    this.labels = [...new Set([...labels, "self-hosted", "linux"])];
  }

  /**
   * Creates `num` runners and returns the instance ids actually created. Partial success is
   * normal (failures are logged); when none at all could be created, the first failure is thrown
   * so the caller sees why.
   */
  async createRunners(num: number): Promise<string[]> {
    const report = await this.createRunnersWithReport(num);
    const [first] = report.failures;
    if (report.created.length === 0 && first) throw first.error;
    return report.created.map((i) => i.name.slice(this.namePrefix.length + 1));
  }

  /** Creates `num` runners and reports what was created and every failure with its reason. */
  createRunnersWithReport(num: number, options: ProgressOptions = {}): Promise<CreateReport> {
    assertCount(num, "num");
    return this.create(num, options);
  }

  /** Creates runners of exactly these names (`${prefix}-<12 hex>`, claimed beforehand); reports as `createRunnersWithReport`. */
  createNamedRunners(names: readonly string[], options: ProgressOptions = {}): Promise<CreateReport> {
    return this.create(names.length, { ...options, names });
  }

  /**
   * Retires these runners if they are idle (an autoscaler's choice): GitHub first, and a runner
   * that took a job in the meantime keeps its VM. Cleanup targets found on the way go too.
   */
  async retireRunners(names: readonly string[]): Promise<OperationReport> {
    const view = await this.observe();
    const cleanup = planCleanup(view, this.rules());
    return this.apply([...cleanup, ...planRetire(view, names, cleanup)], false);
  }

  /** One entry per VM of the fleet, optionally filtered by GitHub and cloud state. */
  async getRunners(filter: { githubStates?: GitHubRunnerState[]; cloudStates?: CloudRunnerState[] } = {}): Promise<RunnerInstance[]> {
    const view = await this.observe();
    const rules = this.rules();
    return view.members
      .map((m) => toRunnerInstance(this.namePrefix, m, healthOf(m, rules)))
      .filter((r) => !filter.cloudStates || filter.cloudStates.includes(r.cloudState))
      .filter((r) => !filter.githubStates || (r.githubState !== undefined && filter.githubStates.includes(r.githubState)));
  }

  /** Deletes `num` runners (less what cleanup removes); soft never deletes a busy runner. */
  async deleteRunners(num: number, options: { soft?: boolean } = {}): Promise<IssuedMetricEventsStats> {
    return (await this.deleteRunnersWithReport(num, options)).stats;
  }

  /** `deleteRunners` with the outcome of every deletion. */
  async deleteRunnersWithReport(num: number, { soft = false }: { soft?: boolean } = {}): Promise<OperationReport> {
    assertCount(num, "num");
    const view = await this.observe();
    const cleanup = planCleanup(view, this.rules());
    // Cleanup counts towards `num` (upstream #624: scale-down used to overshoot).
    const count = Math.max(num - vmsRemoved(cleanup), 0);
    return this.apply([...cleanup, ...planScaleDown(view, count, soft, cleanup)], !soft);
  }

  /** Flushes idle runners (FlushIdle) or every runner, busy ones included (FlushBusy). */
  async flushRunners(mode: FlushMode = FlushMode.FlushIdle): Promise<IssuedMetricEventsStats> {
    return (await this.flushRunnersWithReport(mode)).stats;
  }

  /** `flushRunners` with the outcome of every deletion. */
  async flushRunnersWithReport(mode: FlushMode = FlushMode.FlushIdle): Promise<OperationReport> {
    const view = await this.observe();
    const cleanup = planCleanup(view, this.rules());
    return this.apply([...cleanup, ...planFlush(view, mode, cleanup)], mode === FlushMode.FlushBusy);
  }

  /** Removes dangling runners, dead and stopped VMs, timed-out runners and duplicate VMs. */
  async cleanup(): Promise<IssuedMetricEventsStats> {
    return (await this.cleanupWithReport()).stats;
  }

  /** `cleanup` with the outcome of every deletion. */
  async cleanupWithReport(): Promise<OperationReport> {
    const view = await this.observe();
    return this.apply(planCleanup(view, this.rules()), false);
  }

  /**
   * One reconcile cycle: cleanup, then create or (softly) delete to reach `desired`, from a single
   * observation; issues a `reconciliation` event, also when the cycle fails. `onProgress` counts
   * the runners it creates.
   */
  reconcile(desired: number, options: { soft?: boolean; replaceOutdated?: boolean } & ProgressOptions = {}): Promise<ReconcileReport> {
    assertCount(desired, "desired");
    const { soft = true, replaceOutdated = false, onProgress } = options;
    return reconcileFleet(desired, { soft, ...(replaceOutdated ? { replaceOutdated: this.cloud.fingerprint } : {}) }, {
      observe: () => this.observe(),
      rules: () => this.rules(),
      apply: (deletions, retryBusy) => this.apply(deletions, retryBusy),
      create: (num) => this.createRunnersWithReport(num, { onProgress }),
      metrics: this.deps.metrics,
      logger: this.deps.logger,
      flavor: this.managerName,
      now: this.deps.now,
    });
  }

  /**
   * Removes the whole fleet: `drain` deregisters idle runners at once and waits for busy ones up
   * to the timeout, then forces; `force` deletes everything now, busy runners included.
   */
  drain(options: DrainOptions = {}): Promise<DrainReport> {
    return drainFleet(options, {
      observe: () => this.observe(),
      deleteIdle: (count) => this.deleteRunnersWithReport(count, { soft: true }),
      flush: (mode) => this.flushRunnersWithReport(mode),
      cleanup: () => this.cleanupWithReport(),
      now: this.deps.now,
      sleep: this.deps.sleep,
    });
  }

  /**
   * Waits until every VM of the fleet is ACTIVE (`active`) or every runner is online on GitHub
   * (`online`), polling; resolves with how many are, even at the timeout (the caller decides).
   */
  async waitForRunners(target: "active" | "online", options: { count: number; timeoutSeconds?: number; pollSeconds?: number }): Promise<number> {
    const { count, timeoutSeconds = 600, pollSeconds = 5 } = options;
    const deadline = this.deps.now().getTime() + timeoutSeconds * 1000;
    for (;;) {
      const view = await this.observe();
      const ready = view.members.filter((m) => (target === "active" ? m.instance.state === CloudRunnerState.Active : m.runner?.online)).length;
      if (ready >= count || this.deps.now().getTime() >= deadline) return ready;
      await this.deps.sleep(pollSeconds * 1000);
    }
  }

  /** Counts by GitHub state, as upstream's `get_runner_info`. */
  async counts(): Promise<{ total: number; idle: number; busy: number; offline: number; unknown: number }> {
    const view = await this.observe();
    const counts = { total: view.members.length, idle: 0, busy: 0, offline: 0, unknown: 0 };
    for (const m of view.members) {
      if (!m.runner) counts.unknown++;
      else counts[githubStateOf(m.runner)]++;
    }
    return counts;
  }

  /** Lists VMs and GitHub runners once, in parallel, and joins them. */
  async observe(): Promise<FleetView> {
    const [instances, runners] = await Promise.all([this.cloud.listInstances(), this.deps.platform.listRunners()]);
    return joinFleet(this.namePrefix, instances, runners);
  }

  private create(num: number, options: ProgressOptions & { names?: readonly string[] }): Promise<CreateReport> {
    const { platform, logger, createConcurrency } = this.deps;
    return createRunners(num, {
      cloud: this.cloud, platform, logger, labels: this.labels, concurrency: createConcurrency, inFlight: this.inFlight,
      onProgress: options.onProgress,
      ...(options.names ? { names: options.names } : {}),
    });
  }

  private rules(): CleanupRules {
    const { now, graceSeconds, creationTimeoutSeconds } = this.deps;
    return { now: now(), graceSeconds, creationTimeoutSeconds, inFlight: new Set([...this.inFlight, ...this.inFlightElsewhere()]) };
  }

  private apply(deletions: Deletion[], retryBusyRunners: boolean): Promise<OperationReport> {
    const { platform, metrics, logger, deleteConcurrency } = this.deps;
    const ctx: ApplyContext = {
      cloud: this.cloud, platform, metrics, logger, flavor: this.managerName, concurrency: deleteConcurrency, retryBusyRunners,
    };
    return applyDeletions(deletions, ctx);
  }
}
