/**
 * One run of the day's trace against one fleet, each on a fresh sandbox in its own process:
 * (a) today's fixed fleet, `runner-fleet reconcile --every <5 real minutes>` sized for the peak;
 * (b) `runner-fleet serve` with a small idle floor, demand from webhooks; (c) the same serve with
 * demand from the fleet's runner scale set (long poll). The fleet is brought up first (the fixed fleet
 * at its size, serve at its floor), then the trace's jobs are queued at their times while the
 * sandbox samples the fleet every 100 ms (36 real seconds); job waits come from the sandbox's job
 * records, never from the fleet under test.
 */
import type { SandboxOptions } from "../src/sandbox/index.js";
import type { BenchJob, FleetSample } from "./sandbox-commands.js";
import { startRemoteSandbox } from "./remote-sandbox.js";
import { awaitReady, benchDir, type CliProcess, freePort, startCli, writeFleet } from "./serve-process.js";
import { COMPRESSION, scaledMs, type Trace } from "./serve-trace-gen.js";
import { sleep, until } from "./serve-metrics.js";

/** The fleets the trace runs against. */
export type TraceFleet = "fixed" | "serve" | "scale-set";

/** What one run measured. */
export interface TraceRun {
  jobs: BenchJob[];
  samples: FleetSample[];
  api: { github: number; openstack: number };
  vmsCreated: number;
}

/** The boot delay, split into the VM's boot and the runner's registration (60 real seconds in all). */
export const BOOT_MS = { vm: 150, online: 17 };
/** The sandbox of the trace: compressed timings, 1 ms per API request (about 0.4 real seconds). */
const SANDBOX: SandboxOptions = {
  latencyMs: 1, bootDelayMs: BOOT_MS.vm, tickMs: 5, quota: { instances: 1000 },
  // Rate limits are per real minute; at ×360 a burst's JIT calls would trip them when no real GitHub would.
  github: { onlineDelayMs: BOOT_MS.online, jitPerMinute: 1_000_000, primaryLimit: 1_000_000 },
};
/** serve's idle floor in the trace. */
export const MIN_IDLE = 2;
/**
 * The scale set's sandbox: GitHub's ≈ 50 s long-poll window compressed like everything else (139 ms),
 * so the day's empty polls are as many as a real day's (1,728); a job message wakes a poll at once.
 */
const SCALE_SET_SANDBOX: SandboxOptions = { ...SANDBOX, github: { ...SANDBOX.github, actions: { longPollMs: Math.round(scaledMs(50)) } } };
const REPOSITORY = "acme/trace";
const SAMPLE_MS = 100;

/** Runs the trace against `fleet`; resolves once every job has finished (or a generous timeout). */
export async function runTrace(fleet: TraceFleet, trace: Trace): Promise<TraceRun> {
  const sb = await startRemoteSandbox(fleet === "scale-set" ? SCALE_SET_SANDBOX : SANDBOX);
  const dir = await benchDir(`trace-${fleet}`);
  let proc: CliProcess | undefined;
  try {
    const prefix = `trace-${fleet}`;
    if (fleet === "fixed") {
      const file = await writeFleet(dir, sb, { prefix, repository: REPOSITORY, runners: trace.peak });
      const every = `${Math.round(scaledMs(5 * 60))}ms`;
      proc = await startCli(["reconcile", "--config", file, "--every", every], dir);
      await awaitReady(proc, `${trace.peak} fixed runners online`, async () => (await sb.online(prefix)) >= trace.peak);
    } else {
      const port = await freePort();
      const file = await writeFleet(dir, sb, {
        prefix, repository: REPOSITORY,
        // Idle runners above the floor retire after 1 s: 6 real minutes.
        autoscale: { minIdle: MIN_IDLE, max: 2 * trace.peak, idleTimeoutSeconds: 1 },
        serve: { port, secret: "trace-bench-secret", register: true, tickSeconds: 1, reconcileSeconds: 2 },
        ...(fleet === "scale-set" ? { scaleSet: prefix } : {}),
      });
      proc = await startCli(["serve", "--config", file], dir, "serving ");
      await awaitReady(proc, `serve's ${MIN_IDLE} idle runners online`, async () => (await sb.online(prefix)) >= MIN_IDLE);
    }
    await sleep(500);
    await sb.reset();
    await sb.ask("watch", { prefix, everyMs: SAMPLE_MS, repository: REPOSITORY, detail: true });
    const started = Date.now();
    for (let i = 0; i < trace.jobs.length; ) {
      const at = trace.jobs[i]!.atMs;
      await sleep(started + at - Date.now());
      const due = [];
      while (i < trace.jobs.length && trace.jobs[i]!.atMs <= Date.now() - started) due.push(trace.jobs[i++]!);
      await sb.ask("enqueue", { jobs: due.map((j) => ({ repository: REPOSITORY, durationMs: j.durationMs })) });
    }
    await sleep(started + trace.dayMs - Date.now());
    // The last jobs of the day finish within a few seconds; a fleet that fell behind gets 3 minutes more.
    await until(async () => (await sb.ask("jobs", { repository: REPOSITORY })).jobs.every((j) => j.status === "completed"), 180_000, 250);
    const { samples } = await sb.ask("unwatch", {});
    const counts = await sb.counts();
    const { serversCreated } = await sb.ask("fleet", { prefix });
    const { jobs } = await sb.ask("jobs", { repository: REPOSITORY });
    return {
      jobs, samples, vmsCreated: serversCreated,
      api: { github: counts["github"] ?? 0, openstack: (counts["compute"] ?? 0) + (counts["identity"] ?? 0) + (counts["image"] ?? 0) + (counts["network"] ?? 0) },
    };
  } finally {
    await proc?.stop("SIGTERM");
    await sb.close();
  }
}

/** The compression, for the callers' conversions. */
export { COMPRESSION };
