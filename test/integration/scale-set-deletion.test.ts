/**
 * `runner-fleet serve --delete-scale-set` against the sandbox's Actions service over HTTP: on a
 * graceful stop, after the session is deleted, the fleet's runners retire (a busy one only once its
 * job is done) and its scale set is deleted, leaving no runner and no VM; a runner still busy at the
 * timeout is left to finish its job, and the scale set stays (exit code 1 from the CLI).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { sandboxFleetInput } from "../../src/cli/sandbox-files.js";
import { validateSpec } from "../../src/manager/spec.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { validateServeConfig } from "../../src/serve/config.js";
import { type RunningServe, startServe } from "../../src/serve/service.js";
import { runCliIn } from "../support/cli.js";
import { freePort } from "../support/free-port.js";
import { specFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

let sandbox: Sandbox;
let dir: string;
const running: RunningServe[] = [];

/** Fleet `prefix` on its own repository, so its jobs go to its scale set only. */
const repo = (prefix: string) => `acme/${prefix}`;

/** serve with scale-set demand and `--delete-scale-set` (`timeoutSeconds` for busy runners). */
async function serve(prefix: string, timeoutSeconds: number, log: string[] = []): Promise<RunningServe> {
  const spec = validateSpec(specFor(sandbox, { prefix, graceSeconds: 1, github: { path: repo(prefix) } }), {});
  const config = validateServeConfig(
    {
      autoscale: { minIdle: 1, max: 4, idleTimeoutSeconds: 1, scaleSet: { name: `${prefix}-linux` } },
      serve: { listen: `127.0.0.1:${await freePort()}`, store: join(dir, `${prefix}.sqlite`), tickSeconds: 1, reconcileSeconds: 5, deleteScaleSet: true, deleteTimeoutSeconds: timeoutSeconds },
    },
    prefix,
    {},
  );
  expect(config.serve.deleteScaleSet).toEqual({ timeoutSeconds });
  const service = await startServe({ spec, config, env: {}, runtime: { retryAfterBaseMs: 5 }, logStream: { write: (line: string) => log.push(line) } });
  running.push(service);
  return service;
}

const scaleSet = (name: string) => sandbox.actions.scaleSets().find((s) => s.name === name);
const vms = (prefix: string) => sandbox.servers().filter((s) => s.name.startsWith(`${prefix}-`));
const liveVms = (prefix: string) => vms(prefix).filter((s) => (s.status === "ACTIVE" || s.status === "BUILD") && s.taskState !== "deleting");
const runners = (prefix: string) => sandbox.githubRunners().filter((r) => r.name.startsWith(`${prefix}-`));
const job = (id: number) => sandbox.jobs().find((j) => j.id === id);

async function servingWithOneIdleRunner(prefix: string): Promise<void> {
  await waitFor("the scale set with an open session", () => scaleSet(`${prefix}-linux`)?.session != null, 20_000);
  await waitFor("one online idle runner", () => runners(prefix).filter((r) => r.status === "online" && !r.busy).length === 1, 20_000);
}

async function expectNothingLeft(prefix: string): Promise<void> {
  expect(scaleSet(`${prefix}-linux`)).toBeUndefined();
  // A deleted VM stays listed as `deleting` for a moment.
  await waitFor(`${prefix}: no VM left`, () => vms(prefix).length === 0, 10_000);
  expect(runners(prefix)).toEqual([]);
}

beforeAll(async () => {
  sandbox = await startFastSandbox({ deleteDelayMs: 20, github: { actions: { longPollMs: 200, assignmentTimeoutMs: 10_000 } } });
  dir = await mkdtemp(join(tmpdir(), "rf-scale-set-deletion-"));
}, 60_000);

afterAll(async () => {
  for (const service of running) await service.stop();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("runner-fleet serve --delete-scale-set", () => {
  it("is refused before anything starts with webhook demand, and its timeout without it", () => {
    const problems = (serve: Record<string, unknown>) => {
      try {
        validateServeConfig({ autoscale: { max: 2 }, serve }, "x", {});
        return [];
      } catch (error) {
        return (error as { problems: { path: string }[] }).problems.map((p) => p.path);
      }
    };
    expect(problems({ webhook: { secret: "s" }, deleteScaleSet: true })).toEqual(["serve.deleteScaleSet"]);
    expect(problems({ deleteTimeoutSeconds: 5 })).toEqual(["serve.deleteTimeoutSeconds"]);
    expect(validateServeConfig({ autoscale: { max: 2 }, serve: { deleteScaleSet: true } }, "x", {}).serve.deleteScaleSet).toEqual({ timeoutSeconds: 600 });
  });

  it("deletes the scale set on stop and leaves no runner or VM", async () => {
    const service = await serve("ssd-idle", 30);
    await servingWithOneIdleRunner("ssd-idle");
    const jobs = [1, 2].map(() => sandbox.enqueueJob({ repository: repo("ssd-idle"), durationMs: 300 }).id);
    await waitFor("2 jobs completed", () => jobs.every((id) => job(id)?.status === "completed"), 30_000);
    const stopped = await service.stop();
    expect(stopped.scaleSet).toMatchObject({ name: "ssd-idle-linux", outcome: "deleted", left: { busy: 0, other: 0 } });
    await expectNothingLeft("ssd-idle");
  });

  it("waits for a busy runner to finish its job, then deletes the scale set", async () => {
    const log: string[] = [];
    const service = await serve("ssd-busy", 30, log);
    await servingWithOneIdleRunner("ssd-busy");
    const id = sandbox.enqueueJob({ repository: repo("ssd-busy"), durationMs: 2500 }).id;
    await waitFor("the job running", () => job(id)?.status === "in_progress", 20_000);
    const stopped = await service.stop();
    // The job ran to its end on its runner: it finished before the scale set went.
    expect(job(id)).toMatchObject({ status: "completed", conclusion: "success" });
    expect(stopped.scaleSet).toMatchObject({ outcome: "deleted" });
    expect(log.join("")).toMatch(/waiting up to 30 s for 1 busy runner to finish before deleting scale set 'ssd-busy-linux'/);
    await expectNothingLeft("ssd-busy");
  });

  it("leaves a runner still busy at the timeout to finish its job, keeps the scale set and exits 1 (CLI)", async () => {
    const prefix = "ssd-cli";
    const input = sandboxFleetInput(sandbox, { prefix, runners: 0, repository: repo(prefix) });
    await writeFile(join(dir, "clouds.yaml"), sandbox.cloudsYaml);
    const fleet = {
      ...input,
      graceSeconds: 1,
      autoscale: { minIdle: 0, max: 3, idleTimeoutSeconds: 1, scaleSet: { name: `${prefix}-linux` } },
      serve: { listen: `127.0.0.1:${await freePort()}`, store: join(dir, `${prefix}.sqlite`), tickSeconds: 1, reconcileSeconds: 5 },
    };
    await writeFile(join(dir, "fleet.yaml"), stringify(fleet));
    const ctrlC = new AbortController();
    const cli = runCliIn(dir, ["serve", "--config", "fleet.yaml", "--delete-scale-set", "--delete-scale-set-timeout", "1s"], { signal: ctrlC.signal });
    await waitFor("the scale set with an open session", () => scaleSet(`${prefix}-linux`)?.session != null, 20_000);
    const id = sandbox.enqueueJob({ repository: repo(prefix), durationMs: 6000 }).id;
    await waitFor("the job running", () => job(id)?.status === "in_progress", 20_000);
    ctrlC.abort();
    const { code, stdout, stderr } = await cli;
    expect(stdout).toContain(`then its runners retire and scale set '${prefix}-linux' is deleted`);
    expect(stderr).toMatch(/scale set 'ssd-cli-linux' stays: 1 runner still running a job after \d+(\.\d)? s; no job is killed/);
    expect(code).toBe(1);
    // The runner and its VM are still there, its job still running; the scale set too.
    expect(job(id)?.status).toBe("in_progress");
    expect(runners(prefix).filter((r) => r.busy)).toHaveLength(1);
    expect(liveVms(prefix)).toHaveLength(1);
    expect(scaleSet(`${prefix}-linux`)).toBeDefined();
    await waitFor("the job completed", () => job(id)?.status === "completed", 20_000);
    expect(job(id)?.conclusion).toBe("success");
  });
});
