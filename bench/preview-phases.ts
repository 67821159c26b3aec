/**
 * Where a preview's time goes, phase by phase, from the engine's own clock: `pulumi preview
 * --otel-traces file://<path>` writes OpenTelemetry spans (JSON lines, nanosecond timestamps) of
 * the CLI, of the Node.js language host and of the program's Node SDK, every gRPC call included
 * on both sides (provider processes write none: their calls are timed on the engine's side). The
 * milestones below cut one preview into consecutive phases that add up to its wall time, so a
 * fleet's phases set against the empty stack's say which part of the engine's own work the fleet
 * adds. Plus the floor any Node provider process pays on this machine: `node -e 0` and
 * `node -e 'require("@pulumi/pulumi")'`. Called by bench/pulumi-preview.ts.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { nodeBinDir } from "../test/support/pulumi-engine.js";
import type { FleetStack } from "../test/support/pulumi-project.js";

const exec = promisify(execFile);

type Row = (what: string, value: string, target?: string) => void;

export interface Span {
  service: string;
  name: string;
  /** Milliseconds since the epoch (fractional). */
  start: number;
  end: number;
  attrs: Record<string, unknown>;
}

interface OtelValue {
  stringValue?: string;
  intValue?: string;
  boolValue?: boolean;
}
interface OtelDoc {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtelValue }[] };
    scopeSpans?: { spans?: { name: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes?: { key: string; value: OtelValue }[] }[] }[];
  }[];
}

const ms = (nanos: string) => Number(BigInt(nanos) / 1000n) / 1000;

/** The spans of an `--otel-traces file://` output, by start time. */
export function parseOtelSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    for (const rs of (JSON.parse(line) as OtelDoc).resourceSpans ?? []) {
      const service = rs.resource?.attributes?.find((a) => a.key === "service.name")?.value.stringValue ?? "?";
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const attrs = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.intValue ?? a.value.boolValue]));
          spans.push({ service, name: s.name, start: ms(s.startTimeUnixNano), end: ms(s.endTimeUnixNano), attrs });
        }
      }
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * The phases, each ending at a milestone of the trace. A milestone a preview does not have (the
 * empty stack starts no provider) ends where the one before it ended: its phase is 0 ms.
 */
export const PHASES = [
  "CLI start, About (a language host of its own), state read → plan starts",
  "language host process → ready",
  "GetRequiredPackages, locate the SDK → program's node exec'd",
  "node starts, loads the SDK's runner (@pulumi/pulumi) → SDK's run",
  "ts-node + TypeScript loaded, stack registered → program module",
  "program module runs (imports, constructors)",
  "→ engine launches the first provider",
  "provider process: launch → port (node, its modules)",
  "Handshake, GetPluginInfo, CheckConfig, DiffConfig, Configure",
  "→ first Check (plugin: Construct's component code)",
  "first Check (the pool; loads its provider code)",
  "first Diff (the pool)",
  "other Checks/Diffs (flush, cleanup), Construct returns",
  "outputs, program ends (SDK's run done)",
  "program's node exits",
  "engine: providers and host stopped, preview printed",
] as const;

/** Milliseconds per phase of PHASES, and the whole preview (CLI span). */
export function phasesOf(spans: Span[]): { phases: number[]; total: number } {
  const cli = (name: string) => spans.filter((s) => s.service === "pulumi-cli" && s.name === name);
  const root = cli("pulumi")[0];
  const plan = cli("pulumi-plan")[0];
  if (!root || !plan) throw new Error("the trace has no `pulumi` or `pulumi-plan` span");
  const host = cli("newPlugin").find((s) => s.attrs.kind === "language" && s.start >= plan.start);
  const execRuntime = spans.find((s) => s.service === "pulumi-language-nodejs" && s.name === "execRuntime" && s.start >= plan.start);
  const sdkRun = spans.find((s) => s.service === "pulumi-sdk-nodejs" && s.name === "language-runtime.run");
  const runProgram = spans.find((s) => s.service === "pulumi-sdk-nodejs" && s.name === "language-runtime.runProgram");
  const provider = cli("newPlugin").find((s) => s.attrs.kind === "resource");
  const rpc = (method: string) => cli(`pulumirpc.ResourceProvider/${method}`);
  const checks = rpc("Check");
  const diffs = rpc("Diff");
  const lastCall = [...checks, ...diffs, ...rpc("Construct")].map((s) => s.end);
  const milestones = [
    plan.start,
    host?.end,
    execRuntime?.start,
    sdkRun?.start,
    runProgram?.start,
    runProgram?.end,
    provider?.start,
    rpc("Handshake")[0]?.start ?? provider?.end,
    rpc("Configure")[0]?.end,
    checks[0]?.start,
    checks[0]?.end,
    diffs[0]?.end,
    lastCall.length ? Math.max(...lastCall) : undefined,
    sdkRun?.end,
    execRuntime?.end,
    root.end,
  ];
  let at = root.start;
  const phases = milestones.map((m) => {
    const next = Math.max(at, m ?? at);
    const phase = next - at;
    at = next;
    return phase;
  });
  return { phases, total: root.end - root.start };
}

/** One `pulumi preview` of `stack` with the engine's trace: its phases. */
export async function tracedPreview(stack: FleetStack): Promise<{ phases: number[]; total: number }> {
  const dir = await mkdtemp(join(tmpdir(), "runner-fleet-bench-trace-"));
  try {
    const file = join(dir, "trace.json");
    await stack.run(["preview", "--json", "--refresh=false", "--otel-traces", `file://${file}`]);
    return phasesOf(parseOtelSpans(await readFile(file, "utf8")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const load = async () => (await readFile("/proc/loadavg", "utf8").catch(() => "?")).split(" ").slice(0, 3).join(" ");

/**
 * `runs` traced previews of each stack, alternating; per phase the median, against the first
 * stack's (the empty stack). Rows: one per phase, then the totals and the machine's load.
 */
export async function benchPreviewPhases(row: Row, stacks: [string, FleetStack][], runs = 5): Promise<void> {
  const before = await load();
  const results = new Map<string, { phases: number[]; total: number }[]>(stacks.map(([what]) => [what, []]));
  for (let i = 0; i < runs; i++) for (const [what, stack] of stacks) results.get(what)!.push(await tracedPreview(stack));
  const phase = (what: string, i: number) => median(results.get(what)!.map((r) => r.phases[i]!));
  const names = stacks.map(([what]) => what);
  const [base, ...others] = names;
  row(`preview phases, ms (engine trace; median of ${runs} each): ${names.join(" / ")}`, names.join(" / "), `${others.map((o) => `${o} − ${base}`).join(" / ")}`);
  const fmt = (n: number) => String(Math.round(n));
  const signed = (n: number) => (Math.round(n) > 0 ? `+${Math.round(n)}` : fmt(n));
  PHASES.forEach((name, i) => {
    row(`  ${String(i + 1).padStart(2)} ${name}`, names.map((w) => fmt(phase(w, i))).join(" / "), others.map((o) => signed(phase(o, i) - phase(base!, i))).join(" / "));
  });
  const sum = (label: string, from: number, to: number) => {
    const sums = names.map((w) => PHASES.slice(from - 1, to).reduce((total, _, i) => total + phase(w, from - 1 + i), 0));
    row(`  ${label}`, sums.map(fmt).join(" / "), sums.slice(1).map((s) => signed(s - sums[0]!)).join(" / "));
  };
  // 1–5 are the same work in every variant: their difference is the machine's noise.
  sum("phases 1–5: the same work in all (CLI, language host, node, SDK, ts-node)", 1, 5);
  sum("phases 6–16: the program's module, its providers, the end", 6, 16);
  sum("  of which 7–13: the provider (launch, port, Configure, Construct, Check, Diff)", 7, 13);
  sum("sum of the phases' medians", 1, PHASES.length);
  const totals = names.map((w) => median(results.get(w)!.map((r) => r.total)));
  row("  traced preview, median wall time (CLI span)", totals.map(fmt).join(" / "), totals.slice(1).map((t) => `${signed(t - totals[0]!)} (×${(t / totals[0]!).toFixed(2)})`).join(" / "));
  row("  machine load (1/5/15 min) before / after the traced previews", `${before} / ${await load()}`);
}

/** Milliseconds of `node <args>` from exec to exit, `runs` times, in `cwd`. */
async function nodeTimes(args: string[], cwd: string, env: Record<string, string>, runs: number): Promise<number[]> {
  const node = join(nodeBinDir(), "node");
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await exec(node, args, { cwd, env });
    times.push(performance.now() - start);
  }
  return times;
}

/** The floor of any Node provider process here: node itself, and node loading @pulumi/pulumi (from `installation`). */
export async function benchNodeFloor(row: Row, installation: string, env: Record<string, string>, runs = 7): Promise<void> {
  const cache = await mkdtemp(join(tmpdir(), "runner-fleet-bench-compile-cache-"));
  try {
    const pulumi = ["-e", 'require("@pulumi/pulumi")'];
    const variants: [string, string[], Record<string, string>][] = [
      ["node -e 0", ["-e", "0"], { NODE_DISABLE_COMPILE_CACHE: "1" }],
      [`node -e 'require("@pulumi/pulumi")', no compile cache`, pulumi, { NODE_DISABLE_COMPILE_CACHE: "1" }],
      [`node -e 'require("@pulumi/pulumi")', compile cache (warm)`, pulumi, { NODE_COMPILE_CACHE: cache }],
    ];
    for (const [, args, extra] of variants) await nodeTimes(args, installation, { ...env, ...extra }, 1); // warm-up (fills the compile cache)
    const times = new Map<string, number[]>(variants.map(([what]) => [what, []]));
    for (let i = 0; i < runs; i++) for (const [what, args, extra] of variants) times.get(what)!.push(...(await nodeTimes(args, installation, { ...env, ...extra }, 1)));
    for (const [what, t] of times) row(`reference: ${what}, exec → exit: median of ${runs}`, `${Math.round(median(t))} ms`);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("preview-phases.ts") && process.argv[2]) {
  // `npx tsx bench/preview-phases.ts <trace.json>...`: the phases of traces made by hand.
  for (const file of process.argv.slice(2)) {
    const { phases, total } = phasesOf(parseOtelSpans(await readFile(file, "utf8")));
    console.log(file, `total ${Math.round(total)} ms`);
    PHASES.forEach((name, i) => console.log(`  ${String(i + 1).padStart(2)} ${name.padEnd(72)} ${Math.round(phases[i]!)}`));
  }
}
