/**
 * Creating runners: per runner, a JIT registration on GitHub, then a VM booted with it. A VM
 * that fails to be created gets its GitHub runner deregistered at once, so nothing is orphaned.
 */
import { mapSettled } from "./concurrency.js";
import { CloudAuthError, ConfigError, describeError, GitHubAuthError, NotFoundError } from "./errors.js";
import { isFleetMember, newInstanceName } from "./naming.js";
import type { CloudInstance, CloudRunnerManager, Logger, RunnerPlatform } from "./ports.js";

/** What a create call achieved: the VMs started and, for each failure, its reason. */
export interface CreateReport {
  created: CloudInstance[];
  failures: { name: string; error: unknown }[];
}

/** What creating needs. */
export interface CreateContext {
  cloud: CloudRunnerManager;
  platform: RunnerPlatform;
  logger: Logger;
  labels: string[];
  concurrency: number;
  /** Names being created, so a concurrent cleanup does not take their GitHub runner for dangling. */
  inFlight: Set<string>;
  /** Told after each runner is created or fails; runners never started after a fatal error are not counted. */
  onProgress?: (done: number, total: number) => void;
  /** The names to create (claimed beforehand, e.g. in a shared store); default: `num` fresh names. */
  names?: readonly string[];
}

/** Progress reporting options of the create and reconcile calls. */
export interface ProgressOptions {
  onProgress?: CreateContext["onProgress"];
}

/** Errors every further attempt would hit too: stop starting new runners. */
function isFatal(error: unknown): boolean {
  return error instanceof GitHubAuthError || error instanceof CloudAuthError || error instanceof ConfigError || error instanceof NotFoundError;
}

/**
 * Creates `num` runners with bounded concurrency. Partial success is normal and reported; when
 * nothing could be created because of a fatal error (bad credentials, unknown flavor…), that
 * error is thrown so the caller sees the cause rather than an empty list.
 */
export async function createRunners(num: number, ctx: CreateContext): Promise<CreateReport> {
  if (num === 0) return { created: [], failures: [] };
  // Bad names (image, flavor, network, runner group) fail here, before any side effect.
  await Promise.all([ctx.cloud.prepare?.(), ctx.platform.prepare?.()]);
  const names = ctx.names ? [...ctx.names] : Array.from({ length: num }, () => newInstanceName(ctx.cloud.namePrefix));
  for (const name of names) {
    if (!isFleetMember(ctx.cloud.namePrefix, name)) throw new ConfigError([{ path: "names", message: `'${name}' is not a name of fleet '${ctx.cloud.namePrefix}' (${ctx.cloud.namePrefix}-<12 hex>)` }]);
  }
  let fatal: unknown;
  let done = 0;
  const progressed = (): void => {
    // A failing progress display must not turn a created runner into a failure (and orphan it).
    try {
      ctx.onProgress?.(++done, num);
    } catch (error) {
      ctx.logger.warn("progress callback failed", { error: describeError(error) });
    }
  };
  const settled = await mapSettled(
    names,
    ctx.concurrency,
    async (name) => {
      try {
        return await createOne(name, ctx);
      } catch (error) {
        if (isFatal(error)) fatal ??= error;
        throw error;
      } finally {
        progressed();
      }
    },
    () => fatal !== undefined,
  );
  const report: CreateReport = { created: [], failures: [] };
  settled.forEach((s, i) => {
    if (s.ok) report.created.push(s.value);
    else report.failures.push({ name: names[i] as string, error: s.error });
  });
  for (const failure of report.failures) {
    ctx.logger.warn("could not create runner", { runner: failure.name, error: describeError(failure.error) });
  }
  if (fatal !== undefined && report.created.length === 0) throw fatal;
  return report;
}

async function createOne(name: string, ctx: CreateContext): Promise<CloudInstance> {
  ctx.inFlight.add(name);
  try {
    const { runner, jitConfig } = await ctx.platform.createJitRunner(name, ctx.labels);
    try {
      const instance = await ctx.cloud.createInstance({ name, runnerId: runner.id, jitConfig });
      ctx.logger.info("created runner", { runner: name, runnerId: runner.id });
      return instance;
    } catch (error) {
      await ctx.platform.deleteRunner(runner.id).catch((cleanupError: unknown) => {
        // The timed-out-runner cleanup rule removes it later; say so rather than lose it.
        ctx.logger.warn("VM creation failed and the GitHub runner could not be deregistered; cleanup will remove it", {
          runner: name,
          error: describeError(cleanupError),
        });
      });
      throw error;
    }
  } finally {
    ctx.inFlight.delete(name);
  }
}
