/**
 * The pool's plan in words, from its last observation and its new inputs: how the count moves,
 * which runners a soft scale-down takes, how many runners a new configuration replaces, what
 * cleanup removes. The runners are chosen by the manager's own pure planning (plan.ts), so the
 * preview names the runners `up` would take from the same observation.
 */
import type { FleetView, Member } from "../manager/fleet-view.js";
import { planOutdated, planScaleDown } from "../manager/plan.js";
import { CloudRunnerState } from "../manager/types.js";
import type { ObservedMember } from "./pool-observation.js";
import { isLive } from "./pool-observation.js";
import type { PoolInputs, PoolOutputs } from "./pool-inputs.js";

/** What the diff found, for the words. */
export interface PlanFacts {
  replaces: readonly string[];
  /** Changed input paths. */
  changed: readonly string[];
  reconfigured: boolean;
}

/** "3 → 5 runners (+2)", "replace the fleet (…)": undefined when `up` has nothing to do. */
export function describePlan(olds: PoolOutputs, news: PoolInputs, facts: PlanFacts): string | undefined {
  const desired = news.maxRunners === undefined ? news.runners : Math.min(news.runners, news.maxRunners);
  const observed = olds.observed?.total ?? 0;
  if (facts.replaces.length > 0) {
    const what = facts.replaces.map((path) => `${path} ${shown(olds, path)} → ${shown(news, path)}`).join(", ");
    return `replace the fleet (${what}): drain its ${observed} runner${observed === 1 ? "" : "s"}, then create ${desired}`;
  }
  const members = (olds.members ?? []).filter(isLive);
  const view = viewOf(members);
  const parts = [
    countPhrase(observed, desired, view),
    stalePhrase(olds),
    facts.reconfigured ? rollingPhrase(view, news, facts.changed) : "",
    settingsPhrase(facts.changed),
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

function countPhrase(observed: number, desired: number, view: FleetView): string {
  const delta = desired - observed;
  if (delta === 0) return "";
  const move = `${observed} → ${desired} runners (${delta > 0 ? "+" : "−"}${Math.abs(delta)})`;
  if (delta > 0) return move;
  const going = planScaleDown(view, -delta, true, []).map((d) => d.name);
  const stay = -delta - going.length;
  const busy = stay > 1 ? `; ${stay} busy runners above the count stay until their jobs end` : stay === 1 ? "; 1 busy runner above the count stays until its job ends" : "";
  return `${move}: ${going.length > 0 ? `${going.join(", ")} go` : "no runner can go yet"}${busy}`;
}

function stalePhrase(olds: PoolOutputs): string {
  const stale = (olds.members ?? []).filter((m) => !isLive(m));
  const count = stale.length || (olds.stale ?? 0);
  if (count === 0) return "";
  const by = (state: ObservedMember["state"]) => stale.filter((m) => m.state === state).length;
  const kinds = [["used", by("used")], ["failed", by("failed")], ["never online", by("stuck")]] as const;
  const known = kinds.filter(([, n]) => n > 0);
  const what = known.length === 1 ? `${known[0]?.[0]} ` : "";
  const detail = known.length > 1 ? ` (${known.map(([k, n]) => `${n} ${k}`).join(", ")})` : "";
  return `remove ${count} ${what}VM${count > 1 ? "s" : ""}${detail}`;
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
