import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sandboxFleetInput } from "../../src/cli/sandbox-files.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";
import { type CliRun as Run, runCliIn } from "../support/cli.js";
import { waitFor } from "../support/wait.js";

// The CLI's commands run in-process (runCli with captured streams) against a sandbox over HTTP.

const FAST: SandboxOptions = { bootDelayMs: 30, shutdownDelayMs: 20, deleteDelayMs: 20, github: { onlineDelayMs: 20 } };

let sandbox: Sandbox;
let dir: string;
let fleets = 0;

beforeAll(async () => {
  // Tests leave their fleets behind; the default quota (10 instances) would run out.
  sandbox = await startSandbox({ ...FAST, quota: { instances: 1000 } });
  dir = await mkdtemp(join(tmpdir(), "cli-it-"));
  await writeFile(join(dir, "clouds.yaml"), sandbox.cloudsYaml);
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => sandbox.clearFaults());

/** Runs one command line in `dir`; `signal` stands in for Ctrl-C. */
const cli = (argv: string[], signal?: AbortSignal): Promise<Run> => runCliIn(dir, argv, signal ? { signal } : {});

/**
 * Writes a fleet file for a fleet of its own: its prefix is also a label, so a test's jobs
 * (queued with that label) only ever run on that test's runners.
 */
async function fleetFile(overrides: Record<string, unknown> = {}): Promise<string> {
  const prefix = typeof overrides["prefix"] === "string" ? overrides["prefix"] : `cli${++fleets}`;
  const file = `${prefix}.yaml`;
  const input = { ...sandboxFleetInput(sandbox, { prefix, runners: 2, repository: "acme/app" }), labels: [prefix], ...overrides };
  await writeFile(join(dir, file), stringify(input));
  return file;
}

const jobFor = (prefix: string, durationMs: number) => sandbox.enqueueJob({ repository: "acme/app", labels: ["self-hosted", prefix], durationMs });

async function status(file: string): Promise<{ runners: { name: string; githubState?: string }[]; counts: Record<string, number> }> {
  const run = await cli(["status", "--config", file, "--json"]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

const idle = async (file: string, n: number) => waitFor(`${n} idle runners`, async () => (await status(file)).counts.idle === n);

describe("runner-fleet status, create, delete, flush, cleanup", () => {
  it("shows no runners and zero counts when the fleet is empty", async () => {
    const run = await cli(["status", "--config", await fleetFile()]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("no runners");
    expect(run.stdout).toContain("0 runners: 0 idle, 0 busy, 0 offline, 0 not on GitHub");
  });

  it("creates 2 runners and lists both in status", async () => {
    const file = await fleetFile();
    const created = await cli(["create", "--count", "2", "--config", file]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created 2 of 2 runners in/);
    const table = await cli(["status", "--config", file]);
    expect(table.stdout.split("\n").filter((l) => l.startsWith("cli"))).toHaveLength(2);
    expect((await status(file)).counts.total).toBe(2);
  });

  it("deletes one runner softly when asked for one", async () => {
    const file = await fleetFile();
    await cli(["create", "--count", "2", "--config", file]);
    await idle(file, 2);
    const run = await cli(["delete", "--count", "1", "--config", file, "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outcomes).toEqual([expect.objectContaining({ reason: "scale-down", runner: "deleted", vm: "deleted" })]);
    // Nova lists a server being deleted for a moment longer.
    await waitFor("1 runner left", async () => (await status(file)).counts.total === 1);
  });

  it("keeps a busy runner on a soft delete and says why fewer were deleted", async () => {
    const file = await fleetFile({ prefix: "busy1" });
    await cli(["create", "--count", "1", "--config", file]);
    await idle(file, 1);
    jobFor("busy1", 60_000);
    await waitFor("a busy runner", async () => (await status(file)).counts.busy === 1);
    const run = await cli(["delete", "--count", "1", "--config", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("0 of 1 deleted: the other runners are busy");
    expect((await status(file)).counts.busy).toBe(1);
    await cli(["flush", "--mode", "busy", "--config", file]);
  });

  it("flushes idle runners", async () => {
    const file = await fleetFile();
    await cli(["create", "--count", "2", "--config", file]);
    await idle(file, 2);
    const run = await cli(["flush", "--config", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("deleted 2 runners");
    expect(run.stdout).toMatch(/metric events issued: runner_installed 2/);
  });

  it("cleans up the VM of a runner that ran its job", async () => {
    const file = await fleetFile({ prefix: "used1" });
    await cli(["create", "--count", "1", "--config", file]);
    await idle(file, 1);
    jobFor("used1", 50);
    await waitFor("the VM powered off", () => sandbox.servers().some((s) => s.name.startsWith("used1-") && s.status === "SHUTOFF"));
    const run = await cli(["cleanup", "--config", file, "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.outcomes).toEqual([expect.objectContaining({ vm: "deleted" })]);
    expect(report.stats).toMatchObject({ runner_installed: 1, runner_start: 1, runner_stop: 1 });
  });

  it("exits 1 and reports each failure when only some runners can be created", async () => {
    const own = await startSandbox({ ...FAST, quota: { instances: 1 } });
    try {
      await writeFile(join(dir, "quota.yaml"), stringify({ ...sandboxFleetInput(own, { prefix: "quota", runners: 0, repository: "acme/app" }), openstack: { cloud: "sandbox", cloudsYaml: own.cloudsYaml } }));
      const run = await cli(["create", "--count", "2", "--config", "quota.yaml"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("created 1 of 2 runners, 1 failed");
      expect(run.stdout).toMatch(/failed +.*quota/i);
    } finally {
      await own.close();
    }
  });
});

describe("runner-fleet reconcile", () => {
  it("reconciles to --count, overriding the file's runners", async () => {
    const file = await fleetFile();
    const run = await cli(["reconcile", "--count", "3", "--config", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^desired 3 {2}observed 0 {2}created 3 {2}deleted 0/);
    expect((await status(file)).counts.total).toBe(3);
  });

  it("prints one line per cycle with --every and stops after --cycles", async () => {
    const run = await cli(["reconcile", "--config", await fleetFile(), "--every", "20ms", "--cycles", "2"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/cycle 1 {2}desired 2 {2}observed 0 {2}created 2/),
      expect.stringMatching(/cycle 2 {2}desired 2 {2}observed 2 {2}created 0/),
    ]);
  });

  it("reports a failed cycle and goes on with the next one", async () => {
    const file = await fleetFile();
    sandbox.fault({ service: "github", method: "GET", path: "/actions/runners$", kind: "status", status: 401, count: 1 });
    const run = await cli(["reconcile", "--config", file, "--every", "20ms", "--cycles", "2"]);
    expect(run.stdout).toMatch(/cycle 1 {2}failed: /);
    expect(run.stdout).toMatch(/cycle 2 {2}desired 2 .* created 2/);
    expect(run.code).toBe(0);
  });

  it("finishes the running cycle and stops when interrupted", async () => {
    const stop = new AbortController();
    const file = await fleetFile();
    const running = cli(["reconcile", "--config", file, "--every", "1h"], stop.signal);
    await waitFor("the first cycle", async () => (await status(file)).counts.total === 2);
    stop.abort();
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cycle 1 /);
    expect(run.stderr).toContain("stopping after the current cycle");
  });
});

describe("runner-fleet errors and exit codes", () => {
  it("exits 2 with every problem and its line when the fleet file is invalid", async () => {
    await writeFile(join(dir, "bad.yaml"), "prefix: ok\nrunners: -1\nimage: x\nflavor: y\nnetwork: z\ngithub: { path: acme/app, token: t }\ncolour: red\n");
    const run = await cli(["status", "--config", "bad.yaml"]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr.split("\n")).toEqual([
      "error: invalid fleet file bad.yaml",
      "  - runners: must be ≥ 0 (line 2)",
      "  - unknown field 'colour' (line 7)",
      "",
    ]);
  });

  it("exits 2 on an unknown flag", async () => {
    const run = await cli(["delete", "--cout", "1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--cout: unknown option for 'delete'; did you mean --count?");
  });

  it("exits 3 with one line and no stack trace when GitHub rejects the token", async () => {
    sandbox.addToken("ghp_soontoberevoked0123456789");
    const file = await fleetFile({ github: { path: "acme/app", apiUrl: sandbox.githubUrl, token: "ghp_soontoberevoked0123456789" } });
    sandbox.revokeToken("ghp_soontoberevoked0123456789");
    const run = await cli(["status", "--config", file]);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: /)]);
    expect(run.stderr).not.toContain("ghp_soontoberevoked");
  });

  it("exits 3 when Keystone rejects the OpenStack password", async () => {
    const file = await fleetFile({ openstack: { cloud: "sandbox", cloudsYaml: sandbox.cloudsYaml.replace("sandbox-password", "wrong") } });
    const run = await cli(["status", "--config", file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: /);
  });

  it("exits 4 when GitHub keeps failing", async () => {
    const file = await fleetFile();
    sandbox.fault({ service: "github", path: "/actions/runners$", kind: "status", status: 502, count: Infinity });
    const run = await cli(["status", "--config", file]);
    expect(run.code).toBe(4);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("runner-fleet sandbox and demo", () => {
  it("serves a sandbox, writes a fleet file status and job can use, and stops on a signal", async () => {
    const stop = new AbortController();
    const running = cli(["sandbox", "--dir", "sbx", "--boot-delay-ms", "30"], stop.signal);
    let exited: Run | undefined;
    void running.then((r) => (exited = r));
    await waitFor("the written fleet file to work", async () => {
      if (exited) throw new Error(`the sandbox exited early: ${exited.stderr}`);
      return (await cli(["status", "--config", "sbx/fleet.yaml"])).code === 0;
    });
    // What the banner suggests works against this sandbox, from outside its process.
    const job = await cli(["job", "--config", "sbx/fleet.yaml", "--count", "2", "--json"]);
    expect(job.code).toBe(0);
    expect(JSON.parse(job.stdout).jobs).toEqual([expect.objectContaining({ status: "queued" }), expect.objectContaining({ status: "queued" })]);
    stop.abort();
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("runner-fleet status --config sbx/fleet.yaml");
    expect(run.stdout).toContain("runner-fleet job --config sbx/fleet.yaml --count 2");
    expect(run.stdout).toMatch(/GitHub token {4}ghp_/);
  });

  it("runs the manager-only demo to completion", async () => {
    const run = await cli(["demo", "--manager-only", "--boot-delay-ms", "50", "--job-duration-ms", "300", "--timeout", "20s"]);
    expect(run.stderr).not.toMatch(/^(warn|error)/m);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("[11/11] closing the sandbox");
    expect(run.stdout).toMatch(/runner_stop .*job_conclusion=success/);
    expect(run.stdout).toMatch(/demo finished in/);
  }, 60_000);
});
