/**
 * Smoke test of the real Pulumi engine chain, with NO mocks: the CLI built by
 * scripts/pulumi-engine.sh, the project's pulumi-resource-pulumi-nodejs launcher, Node 22 and the
 * installed @pulumi/pulumi, against a local file backend, offline.
 *
 * The first run on a machine builds the engine (minutes); hence the long beforeAll timeout.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ENGINE_BUILD_TIMEOUT_MS,
  ensurePulumiEngine,
  pulumiEnv,
  repoRoot,
  runPulumi,
  scratchDir,
  type PulumiEngine,
} from "../support/pulumi-engine.js";

const STEP_TIMEOUT_MS = 5 * 60_000;
const GREETING_TYPE = "pulumi-nodejs:dynamic/e2e:Greeting";

const sdkVersion: string = JSON.parse(readFileSync(join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version;

let engine: PulumiEngine;
const scratch: string[] = [];

beforeAll(async () => {
  engine = await ensurePulumiEngine();
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newScratch(): Promise<string> {
  const dir = await scratchDir();
  scratch.push(dir);
  return dir;
}

interface Resource {
  urn: string;
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

function resourcesOf(exported: unknown): Resource[] {
  return ((exported as { deployment?: { resources?: Resource[] } }).deployment?.resources ?? []) as Resource[];
}

describe("the Pulumi engine", () => {
  it("`pulumi version` prints the version of the installed @pulumi/pulumi", async () => {
    const { stdout } = await runPulumi(["version"], { cwd: repoRoot, env: engine.env });
    expect(stdout.trim()).toBe(engine.version);
    // Built from the Go release matching the Node SDK (the script warns if it had to pick an older one).
    expect(engine.version).toBe(`v${sdkVersion}`);
  });

  it("has the project's pulumi-resource-pulumi-nodejs launcher next to `pulumi`, failing loudly without @pulumi/pulumi", async () => {
    const launcher = join(engine.binDir, "pulumi-resource-pulumi-nodejs");
    expect(statSync(launcher).mode & 0o111).not.toBe(0);
    // Started by the engine from a program directory that lacks @pulumi/pulumi: a message and exit 1,
    // not a hang while the engine waits for a port.
    const empty = await newScratch();
    const failed = spawnSync(launcher, ["127.0.0.1:1"], { cwd: empty, env: engine.env, encoding: "utf8", timeout: 30_000 });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toContain("cannot resolve @pulumi/pulumi/cmd/dynamic-provider from " + empty);
  });
});

/**
 * The on-disk program, in JavaScript and in TypeScript: one dynamic resource whose provider's
 * create returns an id and outputs. The provider object is serialized into the state and run by the
 * engine in a separate node process (pulumi-resource-pulumi-nodejs), so it must stay self-contained.
 */
const PROGRAMS = {
  "index.js": `"use strict";
const pulumi = require("@pulumi/pulumi");

const provider = {
  async create(inputs) {
    return { id: "greeting-" + inputs.name, outs: { name: inputs.name, greeting: "hello " + inputs.name } };
  },
};

class Greeting extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, { greeting: undefined, ...args }, opts, "e2e", "Greeting");
  }
}

const greeting = new Greeting("greet", { name: "world" });
exports.greeting = greeting.greeting;
exports.greetingId = greeting.id;
`,
  "index.ts": `import * as pulumi from "@pulumi/pulumi";

interface Inputs {
  name: string;
}

const provider: pulumi.dynamic.ResourceProvider<Inputs, Inputs & { greeting: string }> = {
  async create(inputs) {
    return { id: "greeting-" + inputs.name, outs: { name: inputs.name, greeting: "hello " + inputs.name } };
  },
};

class Greeting extends pulumi.dynamic.Resource {
  declare public readonly greeting: pulumi.Output<string>;
  constructor(name: string, args: { name: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { greeting: undefined, ...args }, opts, "e2e", "Greeting");
  }
}

const resource = new Greeting("greet", { name: "world" });
export const greeting = resource.greeting;
export const greetingId = resource.id;
`,
} as const;

const TSCONFIG = {
  compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true },
};

describe("an on-disk Pulumi program (runtime: nodejs) through the CLI", () => {
  it.for(Object.keys(PROGRAMS) as (keyof typeof PROGRAMS)[])(
    "%s: stack init, preview (1 to create), up, stack export, destroy",
    { timeout: 4 * STEP_TIMEOUT_MS },
    async (main) => {
      if (!engine.hasLanguageHost) throw new Error(`no pulumi-language-nodejs in ${engine.binDir}: see the output of scripts/pulumi-engine.sh`);
      const work = await newScratch();
      const program = join(work, "program");
      await mkdir(program);
      await writeFile(join(program, "Pulumi.yaml"), `name: engine-e2e\nruntime: nodejs\nmain: ${main}\n`);
      await writeFile(join(program, "package.json"), JSON.stringify({ name: "engine-e2e", private: true, main }));
      await writeFile(join(program, main), PROGRAMS[main]);
      if (main.endsWith(".ts")) await writeFile(join(program, "tsconfig.json"), JSON.stringify(TSCONFIG));
      // The repository's installed @pulumi/pulumi (and its dependencies) serve the program and the
      // dynamic provider, which resolves @pulumi/pulumi from the program directory.
      await symlink(join(repoRoot, "node_modules"), join(program, "node_modules"), "dir");
      const env = await pulumiEnv(work);
      const cli = (args: string[]) => runPulumi(args, { cwd: program, env, timeoutMs: STEP_TIMEOUT_MS });

      await cli(["stack", "init", "e2e"]);

      const preview = JSON.parse((await cli(["preview", "--json"])).stdout) as {
        steps: { op: string; urn: string; newState?: { type: string } }[];
        changeSummary: Record<string, number>;
      };
      const greetingSteps = preview.steps.filter((step) => step.newState?.type === GREETING_TYPE);
      expect(greetingSteps.map((step) => step.op)).toEqual(["create"]);
      expect(preview.changeSummary).toEqual({ create: 2 }); // the stack itself and the greeting

      await cli(["up", "--yes", "--skip-preview"]);
      const outputs = JSON.parse((await cli(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
      expect(outputs).toEqual({ greeting: "hello world", greetingId: "greeting-world" });

      const exported = resourcesOf(JSON.parse((await cli(["stack", "export"])).stdout));
      const created = exported.filter((r) => r.type === GREETING_TYPE);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ id: "greeting-world", outputs: { name: "world", greeting: "hello world" } });

      await cli(["destroy", "--yes", "--skip-preview"]);
      const after = resourcesOf(JSON.parse((await cli(["stack", "export"])).stdout));
      expect(after.filter((r) => r.type === GREETING_TYPE)).toEqual([]);
      await cli(["stack", "rm", "--yes", "e2e"]);
    },
  );
});

describe("the Node.js language host of the engine's era", () => {
  it("starts the program with the node arguments of the Pulumi.yaml runtime option nodeargs, which the legacy v3.68 host ignored", { timeout: 2 * STEP_TIMEOUT_MS }, async () => {
    const work = await newScratch();
    const program = join(work, "program");
    await mkdir(program);
    await writeFile(join(program, "Pulumi.yaml"), "name: engine-e2e-nodeargs\nruntime:\n  name: nodejs\n  options:\n    nodeargs: --max-old-space-size=256\n");
    await writeFile(join(program, "package.json"), JSON.stringify({ name: "engine-e2e-nodeargs", private: true, main: "index.js" }));
    // The heap limit the program's node runs with: about 4 GB by default on these machines, the old
    // space asked for plus the young generation (48 MB) with the option.
    await writeFile(join(program, "index.js"), `exports.heapLimitMb = Math.round(require("v8").getHeapStatistics().heap_size_limit / 2 ** 20);\n`);
    await symlink(join(repoRoot, "node_modules"), join(program, "node_modules"), "dir");
    const env = await pulumiEnv(work);
    const cli = (args: string[]) => runPulumi(args, { cwd: program, env, timeoutMs: STEP_TIMEOUT_MS });
    await cli(["stack", "init", "e2e"]);
    await cli(["up", "--yes", "--skip-preview"]);
    const { heapLimitMb } = JSON.parse((await cli(["stack", "output", "--json"])).stdout) as { heapLimitMb: number };
    expect(heapLimitMb).toBeGreaterThanOrEqual(256);
    expect(heapLimitMb).toBeLessThan(400);
  });
});

// --- The same through the Automation API, with an inline program (no language host needed). ---

interface GreetingInputs {
  name: string;
}

const greetingProvider: pulumi.dynamic.ResourceProvider<GreetingInputs, GreetingInputs & { greeting: string }> = {
  async create(inputs) {
    return { id: "greeting-" + inputs.name, outs: { name: inputs.name, greeting: "hello " + inputs.name } };
  },
};

class Greeting extends pulumi.dynamic.Resource {
  declare public readonly greeting: pulumi.Output<string>;
  constructor(name: string, args: { name: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(greetingProvider, name, { greeting: undefined, ...args }, opts, "e2e", "Greeting");
  }
}

// `@pulumi/pulumi/automation` has no ESM-resolvable entry (the package has no exports map), so it is
// reached through the main module.
const { LocalWorkspace, PulumiCommand } = pulumi.automation;

describe("an inline program through the Automation API", () => {
  let stack: pulumi.automation.Stack | undefined;

  afterAll(async () => {
    // Leave nothing behind even when a step failed half way.
    if (stack) await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
  });

  it(
    "createOrSelectStack, preview (1 to create), up, exportStack, preview unchanged, destroy",
    async () => {
      const work = await newScratch();
      const env = await pulumiEnv(work);
      const workDir = join(work, "workspace");
      await mkdir(workDir);
      stack = await LocalWorkspace.createOrSelectStack(
        {
          stackName: "e2e",
          projectName: "engine-e2e-inline",
          program: async () => {
            const greeting = new Greeting("greet", { name: "world" });
            return { greeting: greeting.greeting, greetingId: greeting.id };
          },
        },
        {
          workDir,
          pulumiHome: env.PULUMI_HOME,
          envVars: env,
          pulumiCommand: await PulumiCommand.get({ root: dirname(engine.binDir) }),
          projectSettings: {
            name: "engine-e2e-inline",
            runtime: "nodejs",
            // The dynamic provider runs with this as its cwd and resolves @pulumi/pulumi from it.
            main: repoRoot,
            backend: { url: env.PULUMI_BACKEND_URL! },
          },
        },
      );

      const planned: { op: string; type: string }[] = [];
      const preview = await stack.preview({
        onEvent: (event: pulumi.automation.EngineEvent) => {
          const meta = event.resourcePreEvent?.metadata;
          if (meta) planned.push({ op: meta.op, type: meta.type });
        },
      });
      expect(planned.filter((step) => step.type === GREETING_TYPE)).toEqual([{ op: "create", type: GREETING_TYPE }]);
      expect(preview.changeSummary).toEqual({ create: 2 });

      const up = await stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.summary.resourceChanges).toEqual({ create: 2 });
      expect(up.outputs.greeting?.value).toBe("hello world");
      expect(up.outputs.greetingId?.value).toBe("greeting-world");

      const created = resourcesOf(await stack.exportStack()).filter((r) => r.type === GREETING_TYPE);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ id: "greeting-world", outputs: { name: "world", greeting: "hello world" } });

      // Idempotence: an unchanged program plans nothing.
      const again = await stack.preview({ expectNoChanges: true });
      expect(again.changeSummary).toEqual({ same: 2 });

      const destroy = await stack.destroy();
      expect(destroy.summary.result).toBe("succeeded");
      expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
      expect(resourcesOf(await stack.exportStack()).filter((r) => r.type === GREETING_TYPE)).toEqual([]);
    },
    4 * STEP_TIMEOUT_MS,
  );
});
