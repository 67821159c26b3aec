/**
 * What the benches may ask the sandbox process (bench/sandbox-process.ts) over IPC: request
 * counts, jobs, faults, and a watcher that samples a fleet inside the sandbox's own process, so
 * samples are taken on the sandbox's clock at a steady rate, whatever the bench process is doing.
 */
import type { FaultSpec, JobSpec, Sandbox, WebhookFaults } from "../src/sandbox/index.js";

/** One sample of a fleet: live VMs (BUILD or ACTIVE), idle runners (ACTIVE VM, runner online and not busy), queued jobs. */
export interface FleetSample {
  /** ms since the watch started. */
  t: number;
  live: number;
  idle: number;
  busy: number;
  queued: number;
}

/** A job as the benches read it (times in epoch ms on the sandbox clock). */
export interface BenchJob {
  id: number;
  repository: string;
  status: string;
  conclusion: string | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
}

/** Every command and its reply. */
export interface Commands {
  counts: [{}, { counts: Record<string, number> }];
  /** Requests since the last reset by `service status`, e.g. `compute 503`. */
  statuses: [{}, { statuses: Record<string, number> }];
  reset: [{}, {}];
  online: [{ prefix: string }, { count: number }];
  enqueue: [{ jobs: JobSpec[] }, { ids: number[] }];
  jobs: [{ repository?: string }, { jobs: BenchJob[] }];
  fault: [{ spec: FaultSpec }, {}];
  clearFaults: [{}, {}];
  webhookFaults: [{ faults: WebhookFaults }, {}];
  serverErrorRate: [{ rate: number; seed?: number }, {}];
  /** VMs and GitHub runners of the fleet right now, and successful `POST /servers` since the last reset. */
  fleet: [{ prefix: string }, { vms: number; runners: number; serversCreated: number }];
  /** Creation times (epoch ms) of the fleet's VMs and GitHub runners, oldest first. */
  timeline: [{ prefix: string }, { vms: number[]; runners: number[] }];
  watch: [{ prefix: string; everyMs: number; repository?: string; detail: boolean }, {}];
  /**
   * Stops the watcher: its samples (when `detail`), the distinct VMs it saw and saw in ERROR, and
   * the creation times (epoch ms, oldest first) of the VMs it saw, deleted ones included.
   */
  unwatch: [{}, { samples: FleetSample[]; seen: number; errored: number; created: number[] }];
}

/** A command's name. */
export type CommandName = keyof Commands;

let watcher: { stop(): Commands["unwatch"][1] } | undefined;

/** Runs one command against the sandbox. */
export function runCommand<K extends CommandName>(sb: Sandbox, name: K, args: Commands[K][0]): Commands[K][1] {
  const a = args as Record<string, never>;
  const ours = (prefix: string) => (n: { name: string }) => n.name.startsWith(`${prefix}-`);
  const handlers: { [N in CommandName]: (x: Commands[N][0]) => Commands[N][1] } = {
    counts: () => {
      const counts: Record<string, number> = {};
      for (const r of sb.requests()) counts[r.service] = (counts[r.service] ?? 0) + 1;
      return { counts };
    },
    statuses: () => {
      const statuses: Record<string, number> = {};
      for (const r of sb.requests()) statuses[`${r.service} ${r.status}`] = (statuses[`${r.service} ${r.status}`] ?? 0) + 1;
      return { statuses };
    },
    reset: () => (sb.resetRequests(), {}),
    online: ({ prefix }) => ({ count: sb.githubRunners().filter((r) => ours(prefix)(r) && r.status === "online").length }),
    enqueue: ({ jobs }) => ({ ids: jobs.map((j) => sb.enqueueJob(j).id) }),
    jobs: ({ repository }) => ({ jobs: sb.jobs().filter((j) => repository === undefined || j.repository === repository).map(benchJob) }),
    fault: ({ spec }) => (sb.fault({ ...spec, count: spec.count ?? Infinity }), {}),
    clearFaults: () => (sb.clearFaults(), {}),
    webhookFaults: ({ faults }) => (sb.setWebhookFaults(faults), {}),
    serverErrorRate: ({ rate, seed }) => (sb.failServersAtRate(rate, seed), {}),
    fleet: ({ prefix }) => ({
      vms: sb.servers().filter(ours(prefix)).length,
      runners: sb.githubRunners().filter(ours(prefix)).length,
      serversCreated: sb.requests("compute").filter((r) => r.method === "POST" && r.route === "/compute/v2.1/servers" && r.status === 202).length,
    }),
    timeline: ({ prefix }) => ({
      vms: sb.servers().filter(ours(prefix)).map((s) => s.createdAt).sort((x, y) => x - y),
      runners: sb.githubRunners().filter(ours(prefix)).map((r) => r.createdAt).sort((x, y) => x - y),
    }),
    watch: (o) => {
      watcher?.stop();
      watcher = startWatch(sb, o);
      return {};
    },
    unwatch: () => {
      const result = watcher?.stop() ?? { samples: [], seen: 0, errored: 0, created: [] };
      watcher = undefined;
      return result;
    },
  };
  return handlers[name](a);
}

// --- internal ---

function startWatch(sb: Sandbox, o: Commands["watch"][0]): { stop(): Commands["unwatch"][1] } {
  const started = Date.now();
  const samples: FleetSample[] = [];
  // VM id → its creation time: a VM lives far longer than a sample period, so none is missed.
  const seen = new Map<string, number>();
  const errored = new Set<string>();
  const take = () => {
    const vms = sb.servers().filter((s) => s.name.startsWith(`${o.prefix}-`) && s.taskState !== "deleting");
    for (const vm of vms) {
      seen.set(vm.id, vm.createdAt);
      if (vm.status === "ERROR") errored.add(vm.id);
    }
    if (!o.detail) return;
    const active = new Set(vms.filter((s) => s.status === "ACTIVE").map((s) => s.id));
    const runners = sb.githubRunners().filter((r) => r.name.startsWith(`${o.prefix}-`));
    samples.push({
      t: Date.now() - started,
      live: vms.filter((s) => s.status === "BUILD" || s.status === "ACTIVE").length,
      idle: runners.filter((r) => r.vmId !== undefined && active.has(r.vmId) && r.status === "online" && !r.busy).length,
      busy: runners.filter((r) => r.busy).length,
      queued: sb.jobs().filter((j) => j.status === "queued" && (o.repository === undefined || j.repository === o.repository)).length,
    });
  };
  take();
  const timer = setInterval(take, o.everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { samples, seen: seen.size, errored: errored.size, created: [...seen.values()].sort((x, y) => x - y) };
    },
  };
}

function benchJob(j: ReturnType<Sandbox["jobs"]>[number]): BenchJob {
  return { id: j.id, repository: j.repository, status: j.status, conclusion: j.conclusion, createdAt: j.createdAt, startedAt: j.startedAt ?? null, completedAt: j.completedAt ?? null };
}
