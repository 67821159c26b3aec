/**
 * The size part of the pool's plan in words: how the count moves (naming the runners a soft
 * scale-down takes), what cleanup removes, and with autoscale what a new floor, ceiling or service
 * setting means. With autoscale the count is runner-fleet serve's, so its phrases only accompany
 * a change `up` makes anyway (pool-plan.ts).
 */
import type { AutoscaleConfig } from "../autoscale/config.js";
import type { FleetView } from "../manager/fleet-view.js";
import { planScaleDown } from "../manager/plan.js";
import { floorOf, type PoolInputs, type PoolOutputs } from "./pool-inputs.js";
import { isLive, type ObservedMember } from "./pool-observation.js";
import { isAutoscaled, updateTarget } from "./pool-sizing.js";

/** Phrases about changed sizing inputs, and about what `up` does to the count and to stale VMs. */
export interface SizePlan {
  changes: string[];
  counts: string[];
}

/** The size phrases of a plan; `changed` are the diff's changed input paths. */
export function sizePlan(olds: PoolOutputs, news: PoolInputs, view: FleetView, changed: readonly string[]): SizePlan {
  const observed = olds.observed?.total ?? 0;
  const stale = stalePhrase(olds);
  if (!isAutoscaled(news)) {
    const desired = floorOf(news) ?? 0;
    const count = countPhrase(observed, desired, view);
    // Back from autoscale the count is the stack's again: say so even when it stays.
    if (isAutoscaled(olds)) return { changes: [`fixed size again: ${count || `${desired} runners`}`], counts: [stale] };
    return { changes: [], counts: [count, stale] };
  }
  const changes = isAutoscaled(olds) ? [autoscalePhrase(olds, news, changed), floorPhrase(olds, news, changed)] : [switchPhrase(news)];
  const target = updateTarget(news, observed);
  // NaN while the new autoscale is unknown in preview: nothing to say about the count yet.
  const count = Number.isFinite(target) ? countPhrase(observed, target, view, target > observed ? "up to the floor" : "down to the ceiling") : "";
  return { changes, counts: [count, stale] };
}

/** "3 → 5 runners (+2)", or a scale-down naming the idle runners that go; "" when the count stays. */
function countPhrase(observed: number, desired: number, view: FleetView, why?: string): string {
  const delta = desired - observed;
  if (delta === 0) return "";
  const move = `${observed} → ${desired} runners (${delta > 0 ? "+" : "−"}${Math.abs(delta)}${why ? `, ${why}` : ""})`;
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

/** "the fleet's size now follows demand: floor 1, ceiling 10 (…)". */
function switchPhrase(news: PoolInputs): string {
  const floor = floorOf(news);
  const max = (news.autoscale as Partial<AutoscaleConfig>).max;
  const limits = Number.isInteger(floor) && Number.isInteger(max) ? `: floor ${floor}, ceiling ${max}` : "";
  return `the fleet's size now follows demand${limits} (runner-fleet serve scales it)`;
}

const FIELDS = ["minIdle", "max", "idleTimeoutSeconds"] as const;

/** "autoscale minIdle 1 → 2, max 10 → 20 (runner-fleet serve applies it)"; "" when autoscale stays. */
function autoscalePhrase(olds: PoolInputs, news: PoolInputs, changed: readonly string[]): string {
  const serve = "(runner-fleet serve applies it)";
  if (changed.includes("autoscale")) return `new autoscale ${serve}`; // still unknown in preview
  const [before, after] = [olds.autoscale, news.autoscale] as Partial<AutoscaleConfig>[];
  const fields = FIELDS.filter((k) => changed.includes(`autoscale.${k}`)).map((k) => `${k} ${before?.[k] ?? "(none)"} → ${after?.[k] ?? "(none)"}`);
  if (changed.includes("autoscale.schedule")) {
    const windows = (s: unknown[] | undefined) => (s?.length ? `${s.length} window${s.length > 1 ? "s" : ""}` : "(none)");
    const [was, is] = [windows(before?.schedule), windows(after?.schedule)];
    fields.push(was === is ? `new schedule (${is})` : `schedule ${was} → ${is}`);
  }
  if (changed.includes("autoscale.demand")) fields.push(`demand ${before?.demand ?? "(serve's choice)"} → ${after?.demand ?? "(serve's choice)"}`);
  if (changed.includes("autoscale.scaleSet")) fields.push(`scale set ${before?.scaleSet?.name ?? "(prefix)"} → ${after?.scaleSet?.name ?? "(prefix)"}`);
  return fields.length > 0 ? `autoscale ${fields.join(", ")} ${serve}` : "";
}

/** "floor 2 → 4" when `runners`, the floor `up` guarantees, changed. */
function floorPhrase(olds: PoolInputs, news: PoolInputs, changed: readonly string[]): string {
  const [before, after] = [floorOf(olds), floorOf(news)];
  return changed.includes("runners") && before !== after ? `floor ${before ?? 0} → ${after ?? 0}` : "";
}
