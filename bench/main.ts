/**
 * `npm run bench`: API calls, ratios and client CPU time of the manager against the sandbox
 * (in its own process, 20 ms latency per request), then `pulumi preview` of an unchanged fleet
 * vs an empty stack with the real engine (bench/pulumi-preview.ts), then the serve benches
 * (bench/serve-benches.ts: trace, soak, demand latency, footprint, and with scale-set demand:
 * trace-scale-set, scale-set-latency, failover). Numbers, not pass/fail: targets are printed
 * beside them. `--only manager,pulumi,serve,trace,soak,latency,…` runs a selection.
 */
import { createFleetManager } from "../src/fleet/create-runner-manager.js";
import type { FleetSpecInput } from "../src/manager/spec.js";
import { benchPulumiPreview } from "./pulumi-preview.js";
import { startRemoteSandbox, type RemoteSandbox } from "./remote-sandbox.js";
import { SERVE_BENCHES, selected } from "./serve-benches.js";

const LATENCY_MS = 20;

function spec(sb: RemoteSandbox, prefix: string, extra: Partial<FleetSpecInput> = {}): FleetSpecInput {
  return {
    prefix, runners: 0, image: "ubuntu-24.04", flavor: "m1.small", network: "runners-net", ...extra,
    github: { path: "acme/app", token: sb.githubToken, apiUrl: sb.githubUrl },
    openstack: { cloudsYaml: sb.cloudsYaml, cloud: sb.cloudName },
  };
}

async function measure<T>(sb: RemoteSandbox, fn: () => Promise<T>) {
  await sb.reset();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const counts = await sb.counts();
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000, github: counts["github"] ?? 0, openstack: (counts["compute"] ?? 0) + (counts["identity"] ?? 0) + (counts["image"] ?? 0) + (counts["network"] ?? 0) };
}

async function waitOnline(sb: RemoteSandbox, prefix: string, n: number): Promise<number> {
  const start = performance.now();
  while ((await sb.online(prefix)) < n) await new Promise((r) => setTimeout(r, 50));
  return performance.now() - start;
}

const rows: string[][] = [];
const row = (what: string, value: string, target = "") => rows.push([what, value, target]);
const blocks: string[] = [];
const only = selected(process.argv.slice(2));
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function benchManager(): Promise<void> {
  const sb = await startRemoteSandbox({
    latencyMs: LATENCY_MS, bootDelayMs: 200, github: { onlineDelayMs: 100, jitPerMinute: 1_000_000, primaryLimit: 1_000_000 }, quota: { instances: 5000 },
  });
  try {
    // Warm the clients (Keystone token, microversion, runner list) so steady state is measured.
    const sequential = createFleetManager(spec(sb, "seq", { createConcurrency: 1 }), { env: {} }).manager;
    const parallel = createFleetManager(spec(sb, "par"), { env: {} }).manager;
    await sequential.counts();
    await parallel.counts();
    const seq = await measure(sb, () => sequential.reconcile(20));
    const par = await measure(sb, () => parallel.reconcile(20));
    row("create 20 runners, concurrency 1 vs 10", `${fmt(seq.wallMs)} vs ${fmt(par.wallMs)}`, `speed-up ×${(seq.wallMs / par.wallMs).toFixed(1)}`);
    await sequential.reconcile(0);
    await parallel.reconcile(0);

    const fleet = createFleetManager(spec(sb, "bench"), { env: {} }).manager;
    await fleet.counts();
    const up = await measure(sb, () => fleet.reconcile(100));
    row("scale 0→100: reconcile wall time", fmt(up.wallMs));
    row("scale 0→100: API calls (GitHub / OpenStack)", `${up.github} / ${up.openstack}`, "≈ 1 JIT per runner + 1 list; 1 create per runner + 1 list");
    row("scale 0→100: until all 100 online", fmt(up.wallMs + (await waitOnline(sb, "bench", 100))), "boot 200 ms + online 100 ms in the sandbox");

    for (const n of [100, 1000]) {
      if (n > 100) {
        await fleet.reconcile(n);
        await waitOnline(sb, "bench", n);
      }
      const steady = await measure(sb, () => fleet.reconcile(n));
      row(`steady reconcile at ${n}: GitHub calls`, String(steady.github), `≤ ${Math.ceil(n / 100) + 2}`);
      row(`steady reconcile at ${n}: OpenStack calls`, String(steady.openstack), "≤ 3");
    }
    const get = await measure(sb, () => fleet.getRunners());
    const clean = await measure(sb, () => fleet.cleanup());
    row("getRunners() at 1000: API calls (GitHub / OpenStack)", `${get.github} / ${get.openstack}`);
    row("getRunners() at 1000: client CPU", `${get.cpuMs.toFixed(0)} ms`, `${((get.cpuMs * 1000) / 1000).toFixed(0)} µs per runner`);
    row("cleanup() at 1000 (nothing to do): API calls (GitHub / OpenStack)", `${clean.github} / ${clean.openstack}`, "no per-runner call");
    row("cleanup() at 1000: client CPU", `${clean.cpuMs.toFixed(0)} ms`);
    row("per-runner API calls when nothing changes", String(Math.max(0, clean.github + clean.openstack - Math.ceil(1000 / 100) - 2)), "0");
    await fleet.reconcile(0);
  } finally {
    await sb.close();
  }
}

async function main(): Promise<void> {
  if (only.has("manager")) await benchManager();
  // The real Pulumi engine (scripts/pulumi-engine.sh; built once per machine, then cached).
  if (only.has("pulumi")) await benchPulumiPreview(row);
  for (const [name, bench] of SERVE_BENCHES) if (only.has(name)) await bench({ row, block: (text) => blocks.push(text) });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  console.log(`runner-fleet bench (sandbox in a separate process, ${LATENCY_MS} ms per API request)\n`);
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd());
  for (const text of blocks) console.log(`\n${text}`);
}

await main();
