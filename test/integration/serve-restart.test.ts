/**
 * `runner-fleet serve` as its own process, SIGKILLed while it creates runners and while jobs keep
 * arriving, then started again: every job runs, no runner is created twice, and after the fleet
 * scales back to zero nothing is left behind (no VM, no GitHub runner).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { sandboxFleetInput } from "../../src/cli/sandbox-files.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { repoRoot } from "../support/pulumi-engine.js";
import { startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";
import { freePort } from "../support/free-port.js";

const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : join(repoRoot, ".tools/node22/node_modules/node/bin/node");
const PREFIX = "restart";
let sandbox: Sandbox;
let dir: string;
let fleetFile: string;
let child: ChildProcess | undefined;
const output: string[] = [];


/** Starts `runner-fleet serve --config <fleet file>` and resolves once it listens. */
async function startServe(): Promise<ChildProcess> {
  const started = spawn(node, ["--disable-warning=ExperimentalWarning", "--import", "tsx", join(repoRoot, "src/cli/main.ts"), "serve", "--config", fleetFile], { cwd: repoRoot, env: { ...process.env, GITHUB_TOKEN: "" } });
  let text = "";
  started.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  started.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  await waitFor("serve to listen", () => text.includes("serving "), 30_000).catch((error: Error) => {
    throw new Error(`${error.message}; its output: ${output.join("").slice(-2000)}`);
  });
  return started;
}

const ours = (name: string) => name.startsWith(`${PREFIX}-`);
const vmsEverMade = new Set<string>();
const watch = setInterval(() => {
  for (const vm of sandbox?.servers() ?? []) if (ours(vm.name)) vmsEverMade.add(vm.name);
}, 5);

beforeAll(async () => {
  sandbox = await startFastSandbox({ bootDelayMs: 300 });
  dir = await mkdtemp(join(tmpdir(), "rf-serve-restart-"));
  const port = await freePort();
  await writeFile(join(dir, "clouds.yaml"), sandbox.cloudsYaml);
  const input = sandboxFleetInput(sandbox, { prefix: PREFIX, runners: 0, repository: "acme/app", serve: { listen: `127.0.0.1:${port}`, secret: "restart-test-secret" } });
  const fleet = {
    ...input,
    graceSeconds: 1,
    autoscale: { minIdle: 0, max: 12, idleTimeoutSeconds: 2 },
    serve: { ...(input.serve as object), tickSeconds: 1, reconcileSeconds: 3 },
  };
  fleetFile = join(dir, "fleet.yaml");
  await writeFile(fleetFile, stringify(fleet));
}, 60_000);

afterAll(async () => {
  clearInterval(watch);
  child?.kill("SIGKILL");
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("runner-fleet serve killed and restarted", () => {
  it("runs every job, creates each runner once, and leaves nothing behind", async () => {
    child = await startServe();
    const first = Array.from({ length: 6 }, () => sandbox.enqueueJob({ repository: "acme/app", durationMs: 1500 }).id);
    // Killed while it creates: some VMs exist, others are still claimed.
    await waitFor("creations under way", () => vmsEverMade.size >= 2, 20_000);
    child.kill("SIGKILL");
    await new Promise((resolve) => child?.once("exit", resolve));
    // Jobs that arrive while it is down: GitHub records their deliveries as failed.
    const second = Array.from({ length: 4 }, () => sandbox.enqueueJob({ repository: "acme/app", durationMs: 1500 }).id);
    child = await startServe();
    const all = [...first, ...second];
    await waitFor("all 10 jobs completed", () => sandbox.jobs().filter((j) => all.includes(j.id) && j.status === "completed").length === all.length, 60_000);
    expect(sandbox.jobs().filter((j) => all.includes(j.id)).every((j) => j.conclusion === "success")).toBe(true);
    // minIdle 0: one runner per job, none made twice (a runner made twice would have no job to take).
    expect(vmsEverMade.size).toBe(all.length);
    await waitFor("the fleet back at zero, nothing left on either side", () => sandbox.servers().filter((s) => ours(s.name)).length === 0 && sandbox.githubRunners().filter((r) => ours(r.name)).length === 0, 60_000);
    child.kill("SIGTERM");
    expect(await new Promise((resolve) => child?.once("exit", (code) => resolve(code)))).toBe(0);
    expect(output.join("")).not.toContain("restart-test-secret");
  }, 180_000);
});
