import { describe, expect, it } from "vitest";
import { type CliRun, runCapturedCli } from "../../support/cli.js";
import { VERSION } from "../../../src/version.js";

function cli(argv: string[]): Promise<CliRun> {
  return runCapturedCli("/nonexistent", argv);
}

describe("runCli", () => {
  it("lists every command on stdout and exits 0 with --help", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    for (const name of ["status", "create", "delete", "flush", "cleanup", "reconcile", "sandbox", "job", "demo"]) expect(run.stdout).toContain(name);
    expect(run.stdout).not.toContain("\x1b[");
  });

  it("prints the usage on stderr and exits 2 when no command is given", async () => {
    const run = await cli([]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain("USAGE");
  });

  it("prints the version with --version", async () => {
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("shows a command's flags with --help and touches nothing", async () => {
    const run = await cli(["delete", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--count=<n>/);
    expect(run.stdout).toMatch(/--hard/);
  });

  it.each([
    ["an unknown command", ["frobnicate"], "error: unknown command 'frobnicate'"],
    ["an unknown flag", ["status", "--jsn"], "error: --jsn: unknown option for 'status'; did you mean --json?"],
    ["a missing required flag", ["create"], "error: Missing required argument: --count"],
    ["a bad count", ["create", "--count", "many"], "error: --count: must be a whole number ≥ 1, got 'many'"],
    ["a bad flush mode", ["flush", "--mode", "all"], "error: Invalid value for argument: --mode (all)"],
    ["a bad interval", ["reconcile", "--every", "5"], "error: --every: '5' is not a duration"],
    ["a missing fleet file", ["status"], "error: --config: fleet file fleet.yaml not found"],
    ["too many jobs", ["job", "--count", "101"], "error: --count: at most 100 jobs at a time, got 101"],
    ["a job duration without a unit", ["job", "--duration", "30"], "error: --duration: '30' is not a duration"],
    ["a bad job conclusion", ["job", "--conclusion", "maybe"], "error: Invalid value for argument: --conclusion (maybe)"],
  ])("exits 2 with one clear line on %s", async (_name, argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toContain(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
