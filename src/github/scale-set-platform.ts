/**
 * The manager's `RunnerPlatform` for a scale-set fleet: runners are registered through the
 * scale set's generatejitconfig and removed from its pool (reference §1.9). Listing runners and
 * finding jobs use the REST API as `GitHubPlatform` does: scale-set runners are self-hosted
 * runners of the repository/organization/enterprise and are listed with the others.
 */
import { silentLogger, type JitRunner, type JobInfo, type Logger, type PlatformRunner, type RunnerPlatform } from "../manager/ports.js";
import type { ActionsClient } from "./actions-client.js";
import { isActionsError } from "./actions-errors.js";
import type { GitHubPlatform } from "./platform.js";
import type { ActionsScaleSetService } from "./scale-set-service.js";

/** Options of `ScaleSetPlatform`. */
export interface ScaleSetPlatformOptions {
  client: ActionsClient;
  /** The fleet's scale set (shared with the listener, so both use the same id). */
  service: ActionsScaleSetService;
  /** REST listing and job lookups on the fleet's path. */
  rest: GitHubPlatform;
  /** The runner's work folder in the JIT config (default `_work`, as `GitHubPlatform` registers). */
  workFolder?: string;
  logger?: Logger;
}

/** `RunnerPlatform` on a runner scale set. */
export class ScaleSetPlatform implements RunnerPlatform {
  readonly #o: ScaleSetPlatformOptions;
  readonly #logger: Logger;

  constructor(options: ScaleSetPlatformOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Every self-hosted runner of the path, from the REST API (scale-set runners included). */
  listRunners(): Promise<PlatformRunner[]> {
    return this.#o.rest.listRunners();
  }

  /** Finds or creates the scale set before anything is created. */
  async prepare(): Promise<void> {
    await this.#o.service.scaleSet();
  }

  /**
   * Registers a runner of the scale set. Its labels are the scale set's, whatever `labels` says
   * (the Actions service has no per-runner labels). A name already taken by a runner of this
   * scale set is freed and tried again once, as ARC does; a name of another scale set fails (§1.9).
   */
  async createJitRunner(name: string, labels: string[]): Promise<JitRunner> {
    const scaleSet = await this.#o.service.scaleSet();
    const generate = async (): Promise<JitRunner> => {
      const jit = await this.#o.client.generateJitConfig(scaleSet.id, name, this.#o.workFolder ?? "_work");
      return { ...jit, runner: { ...jit.runner, labels: [...labels] } };
    };
    try {
      return await generate();
    } catch (error) {
      if (isActionsError(error, "actions_api") && error.status === 404) this.#o.service.forget();
      if (!isActionsError(error, "actions_runner_exists")) throw error;
      const existing = await this.#o.client.getRunnerByName(name);
      if (!existing || existing.runnerScaleSetId !== scaleSet.id) throw error;
      this.#logger.info("scale set: a runner of this name is already registered; removing it and retrying", { name, runnerId: existing.id });
      if ((await this.#o.client.removeRunner(existing.id)) === "busy") throw error;
      return generate();
    }
  }

  /** Removes a runner from the scale set: busy (`JobStillRunningException`) and gone are answers, not errors. */
  deleteRunner(id: number): Promise<"deleted" | "gone" | "busy"> {
    return this.#o.client.removeRunner(id);
  }

  /** The job of a run that `runnerName` ran, from the REST API. */
  findJob(repository: string, runId: number, runnerName: string): Promise<JobInfo | undefined> {
    return this.#o.rest.findJob(repository, runId, runnerName);
  }
}
