/** Text for the stack actions: planned steps, change summaries, what an operation did. Pure. */
import { plural } from "./output.js";
import type { LastRun } from "./stack-state.js";

/** A planned or taken step of one of runner-fleet's resources (see stack-session.ts). */
export interface StepLine {
  op: string;
  name: string;
  kind: "pool" | "operation";
}

const SYMBOL: Record<string, string> = { create: "+", update: "~", delete: "-", replace: "+-", "create-replacement": "+-", "delete-replaced": "-" };

/** `~ update  ci-flush (operation)`, one per step. */
export function renderSteps(steps: readonly StepLine[]): string[] {
  return steps.map((s) => `${(SYMBOL[s.op] ?? "*").padEnd(2)} ${s.op.padEnd(7)} ${s.name} (${s.kind === "pool" ? "runner pool" : "operation"})`);
}

/** `1 to update, 4 unchanged` from an engine change summary (`{ update: 1, same: 4 }`). */
export function renderChangeSummary(summary: Readonly<Record<string, number | undefined>>, done = false): string {
  const order = ["create", "update", "replace", "delete", "same"];
  const keys = Object.keys(summary).sort((a, b) => rank(order, a) - rank(order, b));
  const parts = keys
    .filter((k) => (summary[k] ?? 0) > 0)
    .map((k) => (k === "same" ? `${summary[k]} unchanged` : done ? `${summary[k]} ${past(k)}` : `${summary[k]} to ${k}`));
  return parts.length > 0 ? parts.join(", ") : "no change";
}

/** `ci: flush (idle) deleted 3 VMs, deregistered 3 runners, kept 0 busy, replenished 3`. */
export function renderLastRun(fleet: string, run: LastRun): string {
  const what = run.kind === "flush" ? `flush (${run.mode ?? "idle"})` : "cleanup";
  return `${fleet}: ${what} deleted ${plural(run.deletedVms, "VM")}, deregistered ${plural(run.deregisteredRunners, "runner")}, kept ${run.keptBusy} busy, replenished ${run.created}`;
}

/** `reconciliation: 3 expected, 2 idle, 1 active, 0 crashed` from a `reconciliation` metric event. */
export function renderReconciliation(event: Record<string, unknown>): string {
  const n = (key: string): string => (typeof event[key] === "number" ? String(event[key]) : "?");
  const flavor = typeof event.flavor === "string" ? ` (${event.flavor})` : "";
  return `reconciliation${flavor}: ${n("expected_runners")} expected, ${n("idle_runners")} idle, ${n("active_runners")} active, ${n("crashed_runners")} crashed`;
}

// --- internal ---

function rank(order: string[], key: string): number {
  const at = order.indexOf(key);
  return at < 0 ? order.length : at;
}

function past(op: string): string {
  return op.endsWith("e") ? `${op}d` : `${op}ed`;
}
