import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCapturedCli } from "../../support/cli.js";
import { findPulumi, stackTarget } from "../../../src/cli/stack-flags.js";
import { ConfigError } from "../../../src/manager/errors.js";

let dir: string;
let project: string;
let bin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "runner-fleet-stack-flags-"));
  project = join(dir, "project");
  bin = join(dir, "bin");
  await mkdir(project);
  await mkdir(bin);
  await writeFile(join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
  // A stand-in `pulumi` that is never run: the checks fail before Pulumi is loaded.
  await writeFile(join(bin, "pulumi"), "#!/bin/sh\nexit 99\n");
  await chmod(join(bin, "pulumi"), 0o755);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function cli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCapturedCli(project, argv, { env });
}

describe("stackTarget", () => {
  it("is undefined without --stack: the command uses its fleet file", () => {
    expect(stackTarget({}, [], { cwd: project, env: {} }, "flush")).toBeUndefined();
  });

  it("resolves the project directory against the cwd and finds pulumi on PATH", () => {
    const target = stackTarget({ stack: " dev ", fleet: "ci", cwd: "." }, [], { cwd: project, env: { PATH: `/nonexistent:${bin}` } }, "flush");
    expect(target).toEqual({ stack: "dev", projectDir: project, fleet: "ci", pulumi: join(bin, "pulumi") });
  });

  it.each([
    { name: "--fleet without --stack", args: { fleet: "ci" }, raw: [], path: "--fleet" },
    { name: "--cwd without --stack", args: { cwd: "x" }, raw: [], path: "--cwd" },
    { name: "--preview without --stack", args: { preview: true }, raw: [], path: "--preview" },
    { name: "an empty --stack", args: { stack: "" }, raw: [], path: "--stack" },
    { name: "--config with --stack", args: { stack: "dev" }, raw: ["--stack", "dev", "--config", "fleet.yaml"], path: "--config" },
  ])("refuses $name (exit 2)", ({ args, raw, path }) => {
    expect(() => stackTarget(args, raw, { cwd: project, env: { PATH: bin } }, "flush")).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ path })] }));
  });

  it("says how to get pulumi when it is not on PATH", () => {
    const attempt = () => stackTarget({ stack: "dev" }, [], { cwd: project, env: { PATH: "/nonexistent" } }, "flush");
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/bash scripts\/pulumi-engine\.sh/);
  });
});

describe("findPulumi", () => {
  it("takes the first executable `pulumi` on PATH and skips directories without one", () => {
    expect(findPulumi({ PATH: `/nonexistent::${project}:${bin}` })).toBe(join(bin, "pulumi"));
    expect(findPulumi({})).toBeUndefined();
  });
});

describe("flush, cleanup and reconcile with --stack", () => {
  it.each([
    { argv: ["flush", "--preview"], says: "--preview: goes with --stack" },
    { argv: ["cleanup", "--fleet", "ci"], says: "--fleet: goes with --stack" },
    { argv: ["flush", "--stack", "dev", "--config", "fleet.yaml"], says: "--config: a fleet file and --stack exclude each other" },
    { argv: ["flush", "--stack", "dev", "--cwd", "elsewhere"], says: "has no Pulumi.yaml" },
    { argv: ["flush", "--stack", "dev", "--mode", "all"], says: "all" },
    { argv: ["reconcile", "--stack", "dev", "--count", "3"], says: "--count: with --stack the desired count is the stack's" },
    { argv: ["reconcile", "--stack", "dev", "--cycles", "2"], says: "repeating needs an interval" },
    { argv: ["reconcile", "--stack", "dev", "--preview"], says: "unknown option" },
  ])("exits 2 for `$argv`", async ({ argv, says }) => {
    const run = await cli(argv, { PATH: bin });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
    expect(run.stdout).toBe("");
  });

  it.each(["flush", "cleanup", "reconcile"])("`%s --stack` exits 2 and says how to get pulumi when it is not on PATH", async (command) => {
    const run = await cli([command, "--stack", "dev"], { PATH: "/nonexistent" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("the `pulumi` CLI is not on PATH");
    expect(run.stderr).toContain("bash scripts/pulumi-engine.sh");
  });

  it("lists --stack, --fleet, --cwd and --preview in `flush --help`", async () => {
    const run = await cli(["flush", "--help"]);
    for (const flag of ["--stack", "--fleet", "--cwd", "--preview"]) expect(run.stdout).toContain(flag);
  });
});
