/**
 * `pulumi preview` of an unchanged 20-runner fleet vs `pulumi preview` of an empty stack (a
 * program with no resources), the fleet both ways a program can have it: from the TypeScript API
 * (dynamic children) and constructed by the provider plugin (a remote component, as every
 * non-TypeScript program has it; with and without Node's compile cache, and bundled), with the real engine (scripts/pulumi-engine.sh: built once, then
 * cached) and on-disk programs that install runner-fleet from `npm pack` (test/support/
 * pulumi-project.ts). Both programs run the same way (TypeScript, transpile-only), from the same
 * installation, so the ratio is what the fleet adds: loading runner-fleet in the program, starting
 * the provider process (dynamic host or plugin), construct (plugin) and check/diff of the pool and its
 * two operations (no API call). Runs alternate between the programs after one warm-up each;
 * medians are reported. Targets: ≤ 1.1× the empty stack, and ≤ 50 ms above it. Besides: the
 * plugin's start (exec to port) in each variant, and with its pool provider loaded eagerly; the
 * phases of a preview of the empty stack, the dynamic fleet and the plugin's (medians of 5 traced
 * previews, from the engine's trace: bench/preview-phases.ts); what node alone and node loading
 * @pulumi/pulumi take here.
 *
 * Run alone: `./dev npx tsx bench/pulumi-preview.ts`; `npm run bench` runs it last.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startSandbox } from "../src/sandbox/index.js";
import { ensurePulumiEngine } from "../test/support/pulumi-engine.js";
import { PLUGIN_FLEET_PROGRAM } from "../test/support/plugin-program.js";
import { createFleetProject, createPulumiProject, EMPTY_PROGRAM, FleetStack, installRunnerFleet, type PulumiProject } from "../test/support/pulumi-project.js";
import { bundlePlugin, pluginStartTimes } from "./plugin-variants.js";
import { benchNodeFloor, benchPreviewPhases } from "./preview-phases.js";

const RUNNERS = 20;
const RUNS = 7;

type Row = (what: string, value: string, target?: string) => void;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * In-between programs show where the difference goes: the empty program plus
 * - `import { RunnerFleet } from "runner-fleet/pulumi"`: loading the component in the program;
 * - three trivial dynamic resources: what any dynamic provider costs (serializing it, starting the
 *   provider process, check/diff round trips);
 * - the same with the provider's module text written out: the floor of any dynamic provider.
 * The engine starts a provider process only when the program registers the first resource that
 * needs it, so that start is always on the preview's critical path.
 */
const FLOOR = "3 dynamic resources with a written-out provider";
const VARIANTS: Record<string, string> = {
  "import runner-fleet/pulumi, no resource": `import * as pulumi from "@pulumi/pulumi";
import { RunnerFleet } from "runner-fleet/pulumi";

export const stack = pulumi.getStack();
export const loaded = typeof RunnerFleet;
`,
  "3 trivial dynamic resources": `import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: inputs.name, outs: inputs };
  },
};

class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(provider, name, { name }, {}, "bench", "Trivial");
  }
}

for (const name of ["pool", "flush", "cleanup"]) new Trivial(name);
export const stack = pulumi.getStack();
`,
  // The floor of any dynamic provider: no closure to serialize (the provider's module text is
  // written out, as RunnerFleet's is), no work in the provider; what is left is the provider
  // process and the round trips.
  [FLOOR]: `import * as pulumi from "@pulumi/pulumi";

const PROVIDER = 'exports.handler = () => ({ create: async (inputs) => ({ id: inputs.name, outs: inputs }) });';

class Bare extends pulumi.CustomResource {
  constructor(name: string) {
    super("pulumi-nodejs:dynamic/bench:Bare", name, { name, __provider: PROVIDER });
  }
}

for (const name of ["pool", "flush", "cleanup"]) new Bare(name);
export const stack = pulumi.getStack();
`,
};

/** The plugin's variants: the environment the engine (and so the launcher) gets. */
function pluginVariants(bundle: string): Record<string, Record<string, string>> {
  return {
    [PLUGIN]: {},
    "plugin-served fleet, no compile cache": { NODE_DISABLE_COMPILE_CACHE: "1" },
    "plugin-served fleet, bundled (compile cache)": { RUNNER_FLEET_PACKAGE: bundle },
  };
}

async function timedPreview(stack: FleetStack): Promise<number> {
  const start = performance.now();
  const preview = await stack.preview({ refresh: false });
  const ms = performance.now() - start;
  const changed = preview.steps.filter((s) => s.op !== "same");
  if (changed.length > 0) throw new Error(`the preview of ${stack.name} is not unchanged: ${changed.map((s) => `${s.op} ${s.urn}`).join(", ")}`);
  return ms;
}

/** A project of `index` beside EMPTY_PROGRAM's other files, with one stack, up once. */
async function programStack(name: string, index: string, projects: PulumiProject[]): Promise<FleetStack> {
  // The same runtime settings as the fleet's project (createFleetProject), so only the program differs.
  const project = await createPulumiProject({ files: { ...EMPTY_PROGRAM, "index.ts": index }, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  projects.push(project);
  await project.pulumi(["stack", "init", name]);
  const stack = new FleetStack(project, name);
  await stack.up();
  return stack;
}

/** Measures and reports through `row`; everything it made is removed at the end. */
export async function benchPulumiPreview(row: Row): Promise<void> {
  const engine = await ensurePulumiEngine();
  const sandbox = await startSandbox({ bootDelayMs: 30, shutdownDelayMs: 20, deleteDelayMs: 20, quota: { instances: 100 }, github: { onlineDelayMs: 20 } });
  const projects: PulumiProject[] = [];
  const installation = await installRunnerFleet();
  const bundle = await bundlePlugin(installation);
  try {
    const fleetProject = await createFleetProject();
    projects.push(fleetProject);
    const fleet = await FleetStack.init(fleetProject, "bench", sandbox, { runners: RUNNERS });
    await fleet.up();
    const stacks: [string, FleetStack][] = [
      [DYNAMIC, fleet],
      ["empty stack", await programStack("empty", EMPTY_PROGRAM["index.ts"]!, projects)],
    ];
    for (const [what, env] of Object.entries(pluginVariants(bundle))) {
      const project = await createPulumiProject({ files: PLUGIN_FLEET_PROGRAM, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...env } });
      projects.push(project);
      const stack = await FleetStack.init(project, `plugin${stacks.length}`, sandbox, { runners: RUNNERS });
      await stack.up();
      stacks.push([what, stack]);
    }
    for (const [what, index] of Object.entries(VARIANTS)) stacks.push([what, await programStack(`v${stacks.length}`, index, projects)]);

    for (const [, stack] of stacks) await timedPreview(stack); // warm-up: ts-node's cache, the compile cache, the OS page cache
    const times = new Map<string, number[]>(stacks.map(([what]) => [what, []]));
    sandbox.resetRequests();
    // Alternating, so that load changes on the machine hit every program alike.
    for (let i = 0; i < RUNS; i++) for (const [what, stack] of stacks) times.get(what)!.push(await timedPreview(stack));
    const calls = sandbox.requests().length;

    const fmt = (values: number[]) => `${(median(values) / 1000).toFixed(2)} s (${values.map((v) => (v / 1000).toFixed(2)).join(", ")})`;
    const emptyMs = median(times.get("empty stack")!);
    for (const [what] of stacks) {
      const ms = times.get(what)!;
      row(`pulumi preview, ${what}: median of ${RUNS}`, fmt(ms), what === "empty stack" ? "" : `×${(median(ms) / emptyMs).toFixed(2)} the empty stack`);
    }
    for (const what of [DYNAMIC, ...Object.keys(pluginVariants(bundle))]) {
      const ms = median(times.get(what)!);
      row(`pulumi preview: ${what} / empty stack`, `×${(ms / emptyMs).toFixed(2)}, +${Math.round(ms - emptyMs)} ms`, `≤ ×1.1 and ≤ +50 ms (engine ${engine.version}, transpile-only TypeScript)`);
    }
    // What no dynamic provider gets under, and what the fleet's own work adds to it.
    const floorMs = median(times.get(FLOOR)!);
    row("pulumi preview: dynamic-provider floor / empty stack", `×${(floorMs / emptyMs).toFixed(2)}`);
    row("pulumi preview: unchanged dynamic fleet − floor", `${Math.round(median(times.get(DYNAMIC)!) - floorMs)} ms`);
    row(`pulumi preview, unchanged fleets: API calls in ${RUNS} previews`, String(calls), "0");
    // Where the difference goes, by the engine's own trace (bench/preview-phases.ts).
    const byName = new Map(stacks);
    await benchPreviewPhases(row, [["empty", byName.get("empty stack")!], ["dynamic", fleet], ["plugin", byName.get(PLUGIN)!]]);
    await benchPluginStart(row, installation, bundle, engine.env);
    await benchNodeFloor(row, installation, engine.env);
  } finally {
    await sandbox.close();
    for (const project of projects) await project.remove();
    await rm(bundle, { recursive: true, force: true });
  }
}

const DYNAMIC = `unchanged ${RUNNERS}-runner fleet, dynamic (TypeScript API)`;
const PLUGIN = "plugin-served fleet (compile cache)";

/** The plugin alone: exec of the launcher to its port, per variant; what each of them buys. */
async function benchPluginStart(row: Row, installation: string, bundle: string, env: Record<string, string>): Promise<void> {
  const launcher = join(installation, "node_modules", "runner-fleet", "bin", "pulumi-resource-runner-fleet");
  const eager = pathToFileURL(join(installation, "node_modules", "runner-fleet", "dist", "pulumi", "pool-provider.js")).href;
  const variants: Record<string, Record<string, string>> = {
    "no compile cache": { NODE_DISABLE_COMPILE_CACHE: "1" },
    "compile cache": {},
    "bundled, no compile cache": { RUNNER_FLEET_PACKAGE: bundle, NODE_DISABLE_COMPILE_CACHE: "1" },
    "bundled, compile cache": { RUNNER_FLEET_PACKAGE: bundle },
    // What lazy loading saves at start: the pool provider loaded before the port is printed.
    "compile cache, pool provider loaded eagerly": { NODE_OPTIONS: `--import=${eager}` },
  };
  const runs = 2 * RUNS + 1;
  const times = new Map<string, number[]>(Object.keys(variants).map((what) => [what, []]));
  for (const [, extra] of Object.entries(variants)) await pluginStartTimes(launcher, { ...env, ...extra }, 1); // warm-up
  for (let i = 0; i < runs; i++) for (const [what, extra] of Object.entries(variants)) times.get(what)!.push(...(await pluginStartTimes(launcher, { ...env, ...extra }, 1)));
  for (const [what, ms] of times) row(`provider plugin start (exec → port), ${what}: median of ${runs}`, `${Math.round(median(ms))} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows: string[][] = [];
  await benchPulumiPreview((what, value, target = "") => rows.push([what, value, target]));
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  "));
}
