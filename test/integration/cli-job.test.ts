import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxFleetInput } from "../../src/cli/sandbox-files.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { type CliRun, type CliRunOptions, runCliIn } from "../support/cli.js";
import { startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

// `runner-fleet job` in-process against a sandbox over HTTP: jobs queued through POST /_sandbox/jobs.

let sandbox: Sandbox;
let dir: string;
let fleets = 0;

beforeAll(async () => {
  sandbox = await startFastSandbox();
  dir = await mkdtemp(join(tmpdir(), "cli-job-it-"));
  await writeFile(join(dir, "clouds.yaml"), sandbox.cloudsYaml);
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (argv: string[], options?: CliRunOptions): Promise<CliRun> => runCliIn(dir, argv, options);

/** A fleet file whose prefix is also its label, so its jobs only run on its own runners. */
async function fleetFile(github: Record<string, unknown> = {}): Promise<{ file: string; prefix: string }> {
  const prefix = `job${++fleets}`;
  const input = sandboxFleetInput(sandbox, { prefix, runners: 1, repository: "acme/app" });
  // An override of `undefined` removes the field (e.g. apiUrl: a fleet on github.com).
  await writeFile(join(dir, `${prefix}.yaml`), stringify({ ...input, labels: [prefix], github: { ...input.github, ...github } }));
  return { file: `${prefix}.yaml`, prefix };
}

describe("runner-fleet job", () => {
  it("queues a job with the fleet's labels that a runner of the fleet takes and finishes", async () => {
    const { file, prefix } = await fleetFile();
    expect((await cli(["create", "--count", "1", "--config", file])).code).toBe(0);
    const run = await cli(["job", "--config", file, "--duration", "50ms", "--json"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const [job] = JSON.parse(run.stdout).jobs;
    expect(job).toMatchObject({ repository: "acme/app", status: "queued", labels: ["self-hosted", "linux", prefix], workflow: "CI" });
    const done = await waitFor("the job to finish", () => sandbox.jobs().find((j) => j.id === job.id && j.status === "completed"));
    expect(done).toMatchObject({ conclusion: "success", runnerName: expect.stringMatching(new RegExp(`^${prefix}-`)) });
  });

  it("queues --count jobs with the given duration, conclusion and workflow, and lists them", async () => {
    const { file, prefix } = await fleetFile();
    const run = await cli(["job", "--config", file, "--count", "3", "--duration", "1m", "--conclusion", "failure", "--workflow", "nightly"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ *JOB +RUN +STATUS +WORKFLOW +LABELS$/);
    expect(lines.slice(1, 4)).toEqual(Array(3).fill(expect.stringMatching(new RegExp(`queued +nightly +self-hosted,linux,${prefix}$`))));
    expect(lines[4]).toBe(`queued 3 jobs on acme/app for runners labelled self-hosted, linux, ${prefix}`);
    const mine = sandbox.jobs().filter((j) => j.labels.includes(prefix));
    expect(mine).toEqual(Array(3).fill(expect.objectContaining({ durationMs: 60_000, plannedConclusion: "failure", workflow: "nightly" })));
  });

  it("needs --repository for an organization's fleet, and takes one of its repositories", async () => {
    const { file } = await fleetFile({ path: "acme" });
    const missing = await cli(["job", "--config", file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--repository: required: the fleet's GitHub path is organization 'acme'; name the jobs' repository, e.g. --repository acme/app");
    const run = await cli(["job", "--config", file, "--repository", "acme/web", "--json"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout).jobs).toEqual([expect.objectContaining({ repository: "acme/web" })]);
  });

  it("warns when the fleet's runners cannot take jobs of the named repository", async () => {
    const { file } = await fleetFile();
    const run = await cli(["job", "--config", file, "--repository", "other/app"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("warn: the fleet's runners serve repository 'acme/app': jobs of other/app stay queued unless other runners take them\n");
  });

  it("exits 2 and says it only works in the sandbox when the GitHub API has no /_sandbox/jobs", async () => {
    const { file } = await fleetFile();
    // What api.github.com answers for a route it does not have.
    const github = async (): Promise<Response> =>
      new Response(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" }), {
        status: 404,
        headers: { "content-type": "application/json" },
      });
    const run = await cli(["job", "--config", file], { runtime: { githubFetch: github } });
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toBe("error: this GitHub API has no /_sandbox/jobs endpoint: `runner-fleet job` only queues jobs in the sandbox\n");
  });

  it("exits 2 without a request when the fleet is on github.com", async () => {
    const { file } = await fleetFile({ apiUrl: undefined });
    const calls: string[] = [];
    const github = async (input: string | URL | Request): Promise<Response> => {
      calls.push(String(input));
      return new Response(null, { status: 500 });
    };
    const run = await cli(["job", "--config", file], { runtime: { githubFetch: github } });
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain("only queues jobs in the sandbox");
    expect(calls).toEqual([]);
  });

  it("exits 3 when the sandbox rejects the token", async () => {
    const { file } = await fleetFile({ token: "ghp_notasandboxtoken0123456789" });
    const run = await cli(["job", "--config", file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: GitHub rejected the token \(401 Bad credentials\)/);
    expect(run.stderr).not.toContain("ghp_notasandboxtoken");
  });
});
