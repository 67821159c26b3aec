/**
 * Failover of scale-set demand: two serve processes for one fleet and scale set, each with its
 * own SQLite store and id (as on two machines), jobs queued at 2 a second throughout. The second
 * stands by (409 on the session, retrying with a backoff that grows 1 s → 5 s). Twice:
 * (1) SIGTERM of the active one: it deletes its session and the standby takes over at its next
 *     retry; (2) the stopped one restarted as the standby, then SIGKILL of the active one: its
 *     session stays until it lapses (sessionTimeoutMs, 10 s here; how long GitHub blocks a dead
 *     session is unverified), then the standby takes over at its next retry.
 * Handovers are read from GET /_sandbox/actions; every job must complete successfully. Then the
 * standby goes, the fleet is drained to zero through serve and cleaned up once, and what is left
 * of the fleet is counted.
 *
 * Long poll: GitHub's ≈ 50 s. A killed controller's poll stays held in the sandbox until a message
 * answers it (into the dead socket), and a session with a poll in flight does not lapse: with jobs
 * flowing, that is within one job of the kill.
 *
 * Run alone: `./dev npx tsx bench/main.ts --only failover`.
 */
import { join } from "node:path";
import { backoffDelay, STANDBY_BACKOFF } from "../src/demand/scale-set-backoff.js";
import { mulberry32 } from "../src/sandbox/random.js";
import type { BenchJob } from "./sandbox-commands.js";
import { startRemoteSandbox, type RemoteSandbox } from "./remote-sandbox.js";
import { type Handover, sessionOwner, standingBy, watchHandover } from "./scale-set-session.js";
import { drainAndClean } from "./serve-drain.js";
import { startFeed } from "./serve-feed.js";
import { duration, type Report, sleep, spread, triple, until } from "./serve-metrics.js";
import { awaitReady, type BenchFleet, benchDir, type CliProcess, freePort, startCli, writeFleet } from "./serve-process.js";

const REPOSITORY = "acme/failover";
const SCALE_SET = "fo-linux";
const PER_SECOND = 2;
const LAPSE_MS = 10_000;
const LONG_POLL_MS = 50_000;
/** How long the standby has stood by when the active one goes (its retry wait is 2.5–5 s by then). */
const STANDBY_MS = 30_000;
/** Jobs keep coming this long after the second takeover. */
const TAIL_MS = 10_000;

/** The standby's waits between session attempts, 1st to 7th and on (src/demand/scale-set-backoff.ts). */
const RETRY_WAITS = [1, 2, 3, 4, 5, 6, 7].map((n) => `${backoffDelay(n, STANDBY_BACKOFF, () => 0) / 1000}–${backoffDelay(n, STANDBY_BACKOFF, () => 1) / 1000}`).join(", ") + " s";

/** One controller: its own folder (fleet file, store, logs), port and id. */
interface Controller {
  id: string;
  dir: string;
  fleet: BenchFleet;
  file: string;
  proc?: CliProcess;
}

/** Runs both handovers and reports them, the jobs, the VMs and what is left. */
export async function benchServeFailover(report: Report): Promise<void> {
  const sb = await startRemoteSandbox({
    latencyMs: 20, bootDelayMs: 300, quota: { instances: 5000 },
    github: { onlineDelayMs: 100, jitPerMinute: 1_000_000, primaryLimit: 1_000_000, actions: { longPollMs: LONG_POLL_MS, sessionTimeoutMs: LAPSE_MS } },
  });
  const root = await benchDir("failover");
  const [a, b] = [await controller(sb, root, "ctl-a"), await controller(sb, root, "ctl-b")];
  try {
    await start(sb, a, "active");
    await start(sb, b, "standby");
    await sb.reset();
    const random = mulberry32(61);
    const feed = startFeed(sb, PER_SECOND, () => ({ repository: REPOSITORY, durationMs: 1000 + Math.round(random() * 1000) }));
    const started = Date.now();

    await sleep(STANDBY_MS);
    const term = Date.now();
    void a.proc!.stop("SIGTERM");
    const termed = await watchHandover(sb, SCALE_SET, { from: a.id, to: b.id, since: term, timeoutMs: 90_000 });
    await a.proc!.exited;
    await start(sb, a, "standby");

    await sleep(STANDBY_MS);
    const kill = Date.now();
    await b.proc!.stop("SIGKILL");
    const killed = await watchHandover(sb, SCALE_SET, { from: b.id, to: a.id, since: kill, timeoutMs: 150_000 });
    await sleep(TAIL_MS);
    const queued = await feed.stop();
    const allDone = async () => (await sb.ask("jobs", { repository: REPOSITORY })).jobs.filter((j) => j.status === "completed").length >= queued;
    await until(allDone, 120_000, 250);
    const wallMs = Date.now() - started;
    const { jobs } = await sb.ask("jobs", { repository: REPOSITORY });
    const { serversCreated } = await sb.ask("fleet", { prefix: a.fleet.prefix });
    // Finished jobs' VMs go at serve's next cleanup: give the fleet a few periods to reach its floor.
    const settleStart = Date.now();
    const atFloor = async () => ((f) => f.vms === 1 && f.runners === 1)(await sb.ask("fleet", { prefix: a.fleet.prefix }));
    const settledMs = (await until(atFloor, 20_000, 100)) ? Date.now() - settleStart : undefined;
    const settled = await sb.ask("fleet", { prefix: a.fleet.prefix });
    const drained = await drainAndClean(sb, a.dir, a.fleet, a.proc!, 60_000);
    a.proc = undefined;

    const { row } = report;
    row(`failover: 2 serve (scale-set demand, own SQLite store each), jobs at ${PER_SECOND}/s, 1–2 s long`, `${queued} jobs in ${duration(wallMs)}`, `long poll ${LONG_POLL_MS / 1000} s; standby for ${STANDBY_MS / 1000} s before each handover`);
    row("failover, SIGTERM of the active: session deleted → standby holds it", handover(termed), `standby retry waits: ${RETRY_WAITS}`);
    row("failover, SIGTERM: jobs queued after it run again", afterRows(jobs, term, termed));
    row(`failover, SIGKILL of the active: session lapse + standby wait (sessionTimeoutMs ${LAPSE_MS / 1000} s)`, handover(killed), "how long GitHub blocks a dead session is unverified");
    row("failover, SIGKILL: jobs queued after it run again", afterRows(jobs, kill, killed));
    const ok = jobs.filter((j) => j.status === "completed" && j.conclusion === "success").length;
    row("failover: jobs completed successfully / queued", `${ok} / ${queued}`, `${queued} / ${queued}`);
    row("failover: jobs lost (never completed, or failed)", String(queued - ok), "0");
    row("failover: job wait over the whole run, p50 / p95 / max", triple(spread(waits(jobs)), "ms"), "boot 400 ms in this sandbox");
    row("failover: VMs created vs jobs (overshoot)", `${serversCreated} vs ${queued} (${(((serversCreated - queued) / queued) * 100).toFixed(1)}%)`, "one VM per job; the floor of 1 is there before and after");
    row("failover: fleet after the jobs, through serve alone (VMs / GitHub runners)", `${settled.vms} / ${settled.runners}${settledMs === undefined ? " after 20 s" : `, ${duration(settledMs)} after the last job`}`, "the floor: 1 / 1");
    row("failover: drain to zero through serve (minIdle 0), then one cleanup", drained.zeroAfterMs === undefined ? "never reached zero in 60 s" : `zero after ${duration(drained.zeroAfterMs)}`, `cleanup exit ${drained.cleanupCode}`);
    row("failover: orphan VMs / orphan GitHub runners after cleanup", `${drained.orphanVms} / ${drained.orphanRunners}`, "0 / 0");
  } finally {
    for (const c of [a, b]) await c.proc?.stop("SIGTERM");
    await sb.close();
  }
}

// --- internal ---

/** A controller's files in its own folder under `root`. */
async function controller(sb: RemoteSandbox, root: string, id: string): Promise<Controller> {
  const dir = join(root, id);
  const fleet: BenchFleet = {
    prefix: "fo", repository: REPOSITORY, scaleSet: SCALE_SET,
    autoscale: { minIdle: 1, max: 200, idleTimeoutSeconds: 5 },
    serve: { port: await freePort(), tickSeconds: 1, reconcileSeconds: 3, id },
    extra: { graceSeconds: 5 },
  };
  return { id, dir, fleet, file: await writeFleet(dir, sb, fleet) };
}

/** Starts `c` and waits until it holds the session (active) or says it stands by. */
async function start(sb: RemoteSandbox, c: Controller, as: "active" | "standby"): Promise<void> {
  c.proc = await startCli(["serve", "--config", c.file], c.dir, "serving ");
  const check = as === "active" ? async () => (await sessionOwner(sb, SCALE_SET)) === c.id : () => standingBy(c.fleet.serve!.port);
  await awaitReady(c.proc, `${c.id} ${as}`, check, 30_000);
}

function handover(h: Handover): string {
  if (h.takenMs === undefined) return `not taken over (freed after ${h.freedMs === undefined ? "—" : duration(h.freedMs)})`;
  return `${duration(h.takenMs)} (session gone after ${duration(h.freedMs ?? h.takenMs)}, then ${duration(h.takenMs - (h.freedMs ?? h.takenMs))} standby wait)`;
}

/** The first start of a job queued after `at`, and the waits of the jobs queued between `at` and the takeover. */
function afterRows(jobs: BenchJob[], at: number, h: Handover): string {
  const after = jobs.filter((j) => j.createdAt >= at);
  const first = Math.min(...after.flatMap((j) => (j.startedAt === null ? [] : [j.startedAt - at])));
  const gap = after.filter((j) => j.createdAt <= at + (h.takenMs ?? Infinity));
  return `first starts ${duration(first)} after it; the ${gap.length} queued before the takeover wait ${triple(spread(waits(gap)), "ms")} (p50 / p95 / max)`;
}

function waits(jobs: BenchJob[]): number[] {
  return jobs.flatMap((j) => (j.startedAt === null ? [] : [j.startedAt - j.createdAt]));
}
