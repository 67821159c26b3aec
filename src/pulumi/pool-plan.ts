/**
 * The pool's plan in words, from its last observation and its new inputs: how the count moves and
 * what cleanup removes (pool-plan-size.ts), how many runners a new configuration replaces, which
 * settings change. The runners are chosen by the manager's own pure planning (plan.ts), so the
 * preview names the runners `up` would take from the same observation.
 */
import { declaredScaleSet } from "../fleet/scale-set-fleet.js";
import type { FleetView, Member } from "../manager/fleet-view.js";
import { planOutdated } from "../manager/plan.js";
import { CloudRunnerState } from "../manager/types.js";
import { floorOf, type PoolInputs, type PoolOutputs } from "./pool-inputs.js";
import { isLive, type ObservedMember } from "./pool-observation.js";
import { sizePlan } from "./pool-plan-size.js";
import { isAutoscaled } from "./pool-sizing.js";

/** What the diff found, for the words. */
export interface PlanFacts {
  replaces: readonly string[];
  /** Changed input paths. */
  changed: readonly string[];
  reconfigured: boolean;
}

/** "3 → 5 runners (+2)", "replace the fleet (…)": undefined when `up` has nothing to do. */
export function describePlan(olds: PoolOutputs, news: PoolInputs, facts: PlanFacts): string | undefined {
  const observed = olds.observed?.total ?? 0;
  if (facts.replaces.length > 0) {
    const what = facts.replaces.map((path) => (SCALE_SET_PATHS.includes(path) ? `scale set ${scaleSetShown(olds)} → ${scaleSetShown(news)}` : `${path} ${shown(olds, path)} → ${shown(news, path)}`)).join(", ");
    return `replace the fleet (${what}): drain its ${observed} runner${observed === 1 ? "" : "s"}, then create ${floorOf(news) ?? 0}`;
  }
  const view = viewOf((olds.members ?? []).filter(isLive));
  const size = sizePlan(olds, news, view, facts.changed);
  const rolling = facts.reconfigured ? rollingPhrase(view, news, facts.changed) : "";
  const settings = settingsPhrase(facts.changed);
  // With autoscale the count is runner-fleet serve's: runners it started or retired, and VMs jobs
  // used, are no reason for `up`; what `up` does to them is told only alongside a change it makes.
  const made = [...size.changes, rolling, settings].filter(Boolean);
  const parts = isAutoscaled(news)
    ? made.length > 0 ? [...made, ...size.counts] : []
    : [...size.changes, ...size.counts, rolling, settings];
  const said = parts.filter(Boolean);
  return said.length > 0 ? said.join(", ") : undefined;
}

function rollingPhrase(view: FleetView, news: PoolInputs, changed: readonly string[]): string {
  const outdated = planOutdated(view, news.fingerprint ?? "", []).length;
  const busy = view.members.filter((m) => m.runner?.busy && m.instance.fingerprint !== news.fingerprint).length;
  const what = changed.filter((path) => ["image", "flavor", "network", "labels", "securityGroups", "keyName", "vm"].includes(path)).join(", ") || "configuration";
  const finishing = busy > 0 ? ` (${busy} busy one${busy > 1 ? "s" : ""} after ${busy > 1 ? "their jobs" : "its job"})` : "";
  return `new ${what}: replace ${outdated} idle runner${outdated === 1 ? "" : "s"}${finishing}`;
}

function settingsPhrase(changed: readonly string[]): string {
  const settings = changed.filter((path) => ["maxRunners", "name", "createConcurrency", "waitFor", "waitTimeoutSeconds", "destroyPolicy", "metricsFile"].includes(path));
  const credentials = changed.includes("credentials") ? ["new credentials"] : [];
  return [...(settings.length > 0 ? [`new ${settings.join(", ")}`] : []), ...credentials].join(", ");
}

/** The paths pool-diff.ts names when the fleet moves to another scale set. */
const SCALE_SET_PATHS: readonly string[] = ["autoscale.demand", "autoscale.scaleSet"];

/** The fleet's declared scale set by name (and runner group), or "(none)". */
function scaleSetShown(pool: PoolInputs | PoolOutputs): string {
  const scaleSet = declaredScaleSet(pool.prefix, pool.autoscale);
  return scaleSet ? `${scaleSet.name}${scaleSet.runnerGroup ? ` in ${scaleSet.runnerGroup}` : ""}` : "(none)";
}

/** A scalar as is, a list or object by its size: previews stay one line and never show a secret. */
function shown(value: object, path: string): string {
  const v = path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), value);
  return v === undefined || v === null || v === "" ? "(none)" : typeof v === "object" ? "…" : String(v);
}

/** The manager's view of the last observation (pure planning needs no more than states and ages). */
function viewOf(members: readonly ObservedMember[]): FleetView {
  return {
    members: members.map((m): Member => {
      const instance = { id: m.name, name: m.name, state: CloudRunnerState.Active, createdAt: new Date(m.createdAt), ...(m.fingerprint ? { fingerprint: m.fingerprint } : {}) };
      if (m.state === "unlisted") return { instance };
      return { instance, runner: { id: 0, name: m.name, labels: [], online: m.state !== "offline", busy: m.state === "busy" } };
    }),
    duplicates: [],
    dangling: [],
  };
}
