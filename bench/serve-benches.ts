/** The serve benches in the order `npm run bench` runs them, and the `--only` selection. */
import type { Report } from "./serve-metrics.js";
import { benchServeFailover } from "./serve-failover.js";
import { benchServeFootprint } from "./serve-footprint.js";
import { benchServeLatency } from "./serve-latency.js";
import { benchServeScaleSetLatency } from "./serve-scale-set-latency.js";
import { benchServeSoak } from "./serve-soak.js";
import { benchServeTrace } from "./serve-trace.js";
import { benchServeTraceScaleSet } from "./serve-trace-scale-set.js";

/** Name and entry of each serve bench. */
export const SERVE_BENCHES: [string, (report: Report) => Promise<void>][] = [
  ["trace", benchServeTrace],
  ["trace-scale-set", benchServeTraceScaleSet],
  ["soak", benchServeSoak],
  ["latency", benchServeLatency],
  ["scale-set-latency", benchServeScaleSetLatency],
  ["footprint", benchServeFootprint],
  ["failover", benchServeFailover],
];

const ALL = ["manager", "pulumi", ...SERVE_BENCHES.map(([name]) => name)];

/** The benches `--only a,b` names (`serve` means every serve bench); all of them without it. */
export function selected(argv: string[]): Set<string> {
  const at = argv.indexOf("--only");
  const list = at >= 0 ? (argv[at + 1] ?? "") : argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  if (list === undefined) return new Set(ALL);
  const names = list.split(",").flatMap((n) => (n === "serve" ? SERVE_BENCHES.map(([name]) => name) : [n]));
  const unknown = names.filter((n) => !ALL.includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown bench ${unknown.join(", ")} (known: ${ALL.join(", ")}, serve)`);
  return new Set(names);
}
