/**
 * The autoscaling policy (SPEC §9): observed runners plus known demand in, how many runners to
 * create and which idle ones to retire out. Pure: no I/O, no clock, no logging, no metrics, so
 * a second controller fed the same observation reaches the same decision instead of doubling it.
 */
import type { AutoscaleConfig } from "./config.js";
import { minIdleAt } from "./schedule.js";

/** What the service sees of a runner: creation in flight, booting, online idle, on a job, or dead. */
export type ObservedState = "creating" | "starting" | "idle" | "busy" | "offline";

/** One runner of the fleet as observed this cycle. */
export interface ObservedRunner {
  name: string;
  state: ObservedState;
  createdAt: Date;
  /** true once the runner took a job (busy now, or a job started on it per demand events, even if GitHub's lagging list still says idle) */
  tookJob: boolean;
}

/** Everything one decision depends on; `now` is passed in so the policy never reads a clock. */
export interface AutoscaleInput {
  runners: ObservedRunner[];
  /** jobs known to be waiting for this fleet's labels */
  queued: number;
  config: AutoscaleConfig;
  now: Date;
}

/** What to do this cycle: never both create and retire. */
export interface AutoscaleDecision {
  desired: number;
  minIdle: number;
  create: number;
  retire: string[];
  /** one secret-free sentence for logs, e.g. "2 busy + 3 queued + minIdle 1 = 6 (max 10); 4 live: create 2" */
  reason: string;
}

/**
 * Decides one autoscaling step:
 * 1. minIdle is the schedule's at `now` (minIdleAt); desired = min(max, busy + queued + minIdle);
 * 2. supply = creating + starting + idle + busy; offline runners are cleanup's, not supply, but
 *    hold a VM, so they count toward max;
 * 3. create = desired − supply, never so many that all runners exceed max; creations in flight
 *    are supply, so a pending creation is never repeated;
 * 4. otherwise retire idle runners that never took a job and are idleTimeoutSeconds old, oldest
 *    first, at most supply − desired, keeping at least minIdle + queued idle;
 * 5. busy runners, runners that took a job, and creating or starting ones are never retired.
 */
export function planAutoscale(input: AutoscaleInput): AutoscaleDecision {
  const { config, now } = input;
  // A demand source off by one must not turn into negative demand that retires runners.
  const queued = Math.max(0, input.queued);
  const minIdle = minIdleAt(config, now);
  const fleet = classify(input.runners);
  const busy = fleet.busy.length;
  const supply = fleet.creating.length + fleet.starting.length + fleet.idle.length + busy;
  const wanted = busy + queued + minIdle;
  const desired = Math.min(config.max, wanted);
  const room = Math.max(0, config.max - supply - fleet.offline.length);
  const create = Math.min(Math.max(0, desired - supply), room);
  const surplus = supply - desired;
  const retirable = Math.min(surplus, fleet.idle.length - (minIdle + queued));
  const retire = create > 0 || retirable <= 0 ? [] : pastTimeout(fleet.idle, config.idleTimeoutSeconds, now).slice(0, retirable);

  const total = `${busy} busy + ${queued} queued + minIdle ${minIdle} = ${wanted}`;
  const capped = wanted > config.max ? `, capped at max ${config.max}` : ` (max ${config.max})`;
  const live = `${supply} live${fleet.offline.length > 0 ? ` + ${fleet.offline.length} offline` : ""}`;
  const action =
    create > 0 ? `create ${create}${create < desired - supply ? ` (offline runners hold the rest of max)` : ""}`
    : retire.length > 0 ? `retire ${retire.length} idle past ${config.idleTimeoutSeconds}s`
    : surplus > 0 ? `keep ${surplus} extra, none retirable yet`
    : desired > supply ? "wait: offline runners hold max"
    : "steady";
  return { desired, minIdle, create, retire: retire.map((r) => r.name), reason: `${total}${capped}; ${live}: ${action}` };
}

// --- internal ---

type Fleet = Record<ObservedState, ObservedRunner[]>;

function classify(runners: readonly ObservedRunner[]): Fleet {
  const fleet: Fleet = { creating: [], starting: [], idle: [], busy: [], offline: [] };
  for (const runner of runners) {
    // A runner that took a job is working, whatever GitHub's lagging list says: count it as busy
    // so its job (no longer queued) still holds a place, and the idle floor is met by others.
    const state = runner.tookJob && runner.state !== "offline" ? "busy" : runner.state;
    fleet[state].push(runner);
  }
  return fleet;
}

/** Idle runners at least `seconds` old, oldest first; an ephemeral runner is idle since it came up. */
function pastTimeout(idle: readonly ObservedRunner[], seconds: number, now: Date): ObservedRunner[] {
  return idle
    .filter((r) => now.getTime() - r.createdAt.getTime() >= seconds * 1000)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.name.localeCompare(b.name));
}
