/**
 * Flush and cleanup as stack actions: a dynamic "operation" resource whose changed `trigger` is an
 * update in `pulumi preview` (nothing runs) and runs exactly once in `pulumi up`, recording its
 * result. Adding the resource runs nothing; only a change of trigger does.
 */
import type * as pulumi from "@pulumi/pulumi";
import { validateAutoscale } from "../autoscale/config.js";
import { FlushMode } from "../manager/types.js";
import { attachDetailedDiff, enableDetailedDiffs } from "./detailed-diff.js";
import { get, REPLACE_ON, same } from "./pool-diff.js";
import type { PoolInputs } from "./pool-inputs.js";
import { observeFleet } from "./pool-observation.js";
import { updateTarget } from "./pool-sizing.js";
import { managerFor, stderrLogger } from "./provider-runtime.js";

/** The operation's inputs: what to do, when (the trigger), and on which pool. */
export interface OperationInputs {
  kind: "flush" | "cleanup";
  mode?: "idle" | "busy";
  trigger: string;
  pool: PoolInputs;
}

/** What the last run did. */
export interface OperationResult {
  trigger: string;
  at: string;
  kind: "flush" | "cleanup";
  mode?: "idle" | "busy";
  deletedVms: number;
  deregisteredRunners: number;
  keptBusy: number;
  created: number;
  stats: Record<string, number>;
}

/** The operation's outputs: its inputs plus the last run's result. */
export interface OperationOutputs extends OperationInputs {
  lastRun?: OperationResult;
}

enableDetailedDiffs();

/**
 * Runs the operation, then replenishes the fleet to its desired count. With autoscale that is the
 * count of live runners before the operation (within floor and ceiling): a flush replaces the
 * runners runner-fleet serve started, a cleanup leaves them alone.
 */
async function run(inputs: OperationInputs): Promise<OperationResult> {
  // The pool's inputs as the component passed them, unchecked: autoscale without its defaults.
  const pool = inputs.pool.autoscale ? { ...inputs.pool, autoscale: validateAutoscale(inputs.pool.autoscale) } : inputs.pool;
  const fleet = await managerFor(pool);
  const { manager, spec } = fleet;
  const live = pool.autoscale ? (await observeFleet(fleet)).observed.total : 0;
  const mode = inputs.mode === "busy" ? FlushMode.FlushBusy : FlushMode.FlushIdle;
  const report = inputs.kind === "flush" ? await manager.flushRunnersWithReport(mode) : await manager.cleanupWithReport();
  const replenished = await manager.reconcile(pool.autoscale ? updateTarget(pool, live) : spec.runners);
  const result: OperationResult = {
    trigger: inputs.trigger,
    at: new Date().toISOString(),
    kind: inputs.kind,
    ...(inputs.kind === "flush" ? { mode: inputs.mode ?? "idle" } : {}),
    deletedVms: report.outcomes.filter((o) => o.vm === "deleted").length,
    deregisteredRunners: report.outcomes.filter((o) => o.runner === "deleted").length,
    keptBusy: report.outcomes.filter((o) => o.runner === "busy" && o.vm === "kept").length,
    created: replenished.created.length,
    stats: { ...report.stats },
  };
  stderrLogger.info(`${inputs.pool.prefix}: ${inputs.kind} removed ${result.deletedVms} runners, replenished ${result.created}`);
  return result;
}

/** What identifies the fleet an operation acts on (the pool's replace-on inputs). */
const IDENTITY = REPLACE_ON;

/** "flush (idle) runs: idle runners are deregistered and replaced", for the preview. */
function describeRun(inputs: OperationInputs): string {
  if (inputs.kind === "cleanup") return "cleanup runs: dangling runners, used, failed and stuck VMs are removed, then the fleet is replenished";
  return inputs.mode === "busy"
    ? "flush (busy) runs: every runner is removed, busy ones included (their jobs are cancelled), then replaced"
    : "flush (idle) runs: idle runners are deregistered and replaced; busy ones finish their jobs";
}

/** check / diff / create / update / read / delete of a flush or cleanup operation. */
export const operationProvider: pulumi.dynamic.ResourceProvider<OperationInputs, OperationOutputs> = {
  async check(_olds, news) {
    const failures = ["", "idle", "busy", undefined].includes(news.mode) ? [] : [{ property: "mode", reason: `mode must be idle or busy, got '${String(news.mode)}'` }];
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    // Only a new trigger runs the operation; a new mode alone is recorded for the next trigger. The
    // rest of the pool's inputs ride along for `update` to build a manager from (the engine
    // passes it the new ones), but a change of them is the pool's, not the operation's: only
    // another fleet identity is recorded here.
    const triggered = news.trigger !== olds.trigger && news.trigger !== "";
    const changed = [
      ...(news.trigger !== olds.trigger ? ["trigger"] : []),
      ...(news.mode !== olds.mode ? ["mode"] : []),
      ...IDENTITY.filter((path) => !same(get(olds.pool, path), get(news.pool, path))).map((path) => `pool.${path}`),
    ];
    if (triggered) stderrLogger.info(`${news.pool.prefix}: plan: ${describeRun(news)}`);
    const replaces = olds.kind === news.kind ? [] : ["kind"];
    if (changed.length > 0 || replaces.length > 0) attachDetailedDiff(Object.fromEntries([...changed, ...replaces].map((path) => [path, { kind: path === "kind" ? "update-replace" : "update", inputDiff: true }])));
    return { changes: changed.length > 0 || replaces.length > 0, replaces };
  },

  async create(inputs) {
    return { id: `${inputs.pool.prefix}-${inputs.kind}`, outs: { ...inputs } };
  },

  async update(_id, olds, news) {
    const due = news.trigger !== "" && news.trigger !== olds.trigger;
    const lastRun = due ? await run(news) : olds.lastRun;
    return { outs: { ...news, ...(lastRun ? { lastRun } : {}) } };
  },

  async read(id, props) {
    return { id, ...(props ? { props } : {}) };
  },

  async delete() {},
};
