/**
 * `diff` of the runner pool: pure, no API call. The desired count is compared with the count last
 * observed (so consumed ephemeral runners show as drift after a refresh); a new configuration is
 * an update (rolling replacement); a new prefix, GitHub scope or cloud is a replacement. Each
 * changed input is named in `detailedDiff`, so `pulumi preview --diff` shows it with its kind.
 * With autoscale the count is runner-fleet serve's: only changed inputs are changes (pool-plan.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { declaredScaleSet } from "../fleet/scale-set-fleet.js";
import type { PropertyChange } from "./detailed-diff.js";
import type { PoolInputs, PoolOutputs } from "./pool-inputs.js";
import { describePlan } from "./pool-plan.js";

/** Inputs whose change makes it another fleet: replace it (the old one is drained first). */
export const REPLACE_ON = ["prefix", "github.path", "github.runnerGroup", "github.apiUrl", "openstack.cloud", "openstack.region"] as const;

/** Inputs that shape new VMs: a change rolls idle runners over to the new configuration. */
export const CONFIGURATION = ["image", "flavor", "network", "labels", "securityGroups", "keyName", "vm"] as const;

/** Inputs that change how the provider works, not the runners. */
const SETTINGS = ["runners", "maxRunners", "name", "createConcurrency", "waitFor", "waitTimeoutSeconds", "destroyPolicy", "metricsFile", "credentials"] as const;

/** `autoscale`'s fields, each an update of its own: serve applies them, `up` touches no runner for them. */
export const AUTOSCALE = ["autoscale.minIdle", "autoscale.max", "autoscale.idleTimeoutSeconds", "autoscale.schedule", "autoscale.demand", "autoscale.scaleSet"] as const;

/** The engine's diff, the changed inputs by path, and the plan in words (undefined: nothing to do). */
export interface PoolDiff extends pulumi.dynamic.DiffResult {
  detailedDiff: Record<string, PropertyChange>;
  plan: string | undefined;
}

/** Decides what `up` would do to the pool (SPEC §5 `diff`). */
export function diffPool(olds: PoolOutputs, news: PoolInputs): PoolDiff {
  const detailedDiff: Record<string, PropertyChange> = {};
  // Field by field while both sides autoscale; switching it on or off is one `autoscale` add or delete.
  const sizing = isObject(olds.autoscale) && isObject(news.autoscale) ? AUTOSCALE : ["autoscale"];
  for (const path of [...REPLACE_ON, ...CONFIGURATION, ...SETTINGS, ...sizing]) {
    const [before, after] = [get(olds, path), get(news, path)];
    if (same(before, after)) continue;
    const replace = (REPLACE_ON as readonly string[]).includes(path);
    const kind = changeKind(before, after);
    detailedDiff[path] = { kind: replace ? `${kind}-replace` : kind, inputDiff: true };
  }
  // A fingerprint of the same inputs changes only with a release that fingerprints differently.
  const reconfigured = olds.fingerprint !== news.fingerprint;
  if (reconfigured && !CONFIGURATION.some((path) => detailedDiff[path])) detailedDiff["fingerprint"] = { kind: "update", inputDiff: false };
  // Runners belong to one scale set: a fleet that moves to another is another fleet.
  const scaleSet = scaleSetMove(olds, news);
  if (scaleSet) detailedDiff[scaleSet] = { kind: `${changeKind(get(olds, scaleSet), get(news, scaleSet))}-replace`, inputDiff: true };
  const replaces = [...REPLACE_ON.filter((path) => detailedDiff[path]), ...(scaleSet ? [scaleSet] : [])];
  const plan = describePlan(olds, news, { replaces, changed: Object.keys(detailedDiff), reconfigured });
  return {
    changes: plan !== undefined,
    replaces: [...replaces],
    // Same prefix on both sides would make two fleets claim the same VMs: remove the old first.
    deleteBeforeReplace: olds.prefix === news.prefix,
    detailedDiff,
    plan,
  };
}

/**
 * The input path that moves the fleet to another scale set (or to or from none), if one does:
 * `autoscale.demand` when the demand source changed, else `autoscale.scaleSet`.
 */
function scaleSetMove(olds: PoolOutputs, news: PoolInputs): "autoscale.demand" | "autoscale.scaleSet" | undefined {
  if (same(declaredScaleSet(olds.prefix, olds.autoscale), declaredScaleSet(news.prefix, news.autoscale))) return undefined;
  return same(olds.autoscale?.demand, news.autoscale?.demand) ? "autoscale.scaleSet" : "autoscale.demand";
}

function changeKind(before: unknown, after: unknown): "add" | "delete" | "update" {
  return before === undefined ? "add" : after === undefined ? "delete" : "update";
}

/** The value at a dotted path. */
export function get(value: object, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Equal as JSON, absent and null alike. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null;
