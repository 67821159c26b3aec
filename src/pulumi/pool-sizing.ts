/**
 * How many runners the pool holds. A fixed fleet: `runners`. With `autoscale` (SPEC §9) the count
 * between deployments is `runner-fleet serve`'s: `up` only guarantees the floor (`runners`, else
 * autoscale.minIdle) and never holds more than the ceiling (autoscale.max), so the runners the
 * service started or retired are neither drift nor something `up` undoes. Pure.
 */
import { type AutoscaleConfig, validateAutoscale } from "../autoscale/config.js";
import { ConfigError, type Problem } from "../manager/errors.js";
import { floorOf, type PoolInputs } from "./pool-inputs.js";

/** Whether the fleet is sized by demand (an autoscale still unknown in preview counts too). */
export function isAutoscaled(inputs: Pick<PoolInputs, "autoscale">): boolean {
  return inputs.autoscale !== undefined && inputs.autoscale !== null;
}

/**
 * The count an `update` (or an operation's replenishment) reconciles to, given the live runners:
 * a fixed fleet's size; with autoscale the live runners, raised to the floor and capped at the
 * ceiling, so nothing the service started is deleted while it stays under the ceiling.
 */
export function updateTarget(inputs: Pick<PoolInputs, "runners" | "maxRunners" | "autoscale">, live: number): number {
  const floor = floorOf(inputs) ?? 0;
  if (!inputs.autoscale) return floor;
  return Math.min(Math.max(live, floor), inputs.autoscale.max);
}

/** What `check` finds about the pool's size: the validated autoscale (defaults applied) and every problem. */
export interface SizingCheck {
  autoscale: AutoscaleConfig | undefined;
  problems: Problem[];
}

/**
 * Checks `runners`, `autoscale` and how they fit with `maxRunners`. The cross-field limits are
 * checked on the raw values, so they show even while another autoscale field is wrong.
 */
export function checkSizing(news: PoolInputs): SizingCheck {
  const problems: Problem[] = [];
  let autoscale: AutoscaleConfig | undefined;
  if (isAutoscaled(news)) {
    try {
      autoscale = validateAutoscale(news.autoscale);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  } else if (news.runners === undefined) {
    problems.push({ path: "runners", message: "is required without autoscale: set runners to the fleet's size, or autoscale: { minIdle, max } to let runner-fleet serve size it by demand" });
  }
  const { runners, maxRunners } = news;
  const max: unknown = (news.autoscale as { max?: unknown } | undefined)?.max;
  if (isCount(max) && isCount(maxRunners) && max > maxRunners) {
    problems.push({ path: "autoscale.max", message: `${max} is above maxRunners (${maxRunners}): runner-fleet serve may not scale past the fleet's cap; lower autoscale.max or raise maxRunners` });
  }
  if (isCount(max) && isCount(runners) && runners > max) {
    problems.push({ path: "runners", message: `${runners} is above autoscale.max (${max}): the floor up creates must fit under the ceiling; lower runners or raise autoscale.max` });
  }
  return { autoscale, problems };
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
