import { lstat, mkdir, mkdtemp, readlink, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoEnv, demoProject, linkDemoPackage } from "../../../src/cli/demo-engine.js";
import { type CliRun, runCapturedCli } from "../../support/cli.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "runner-fleet-demo-engine-"));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function cli(argv: string[]): Promise<CliRun> {
  return runCapturedCli(dir, argv);
}

describe("demo arguments", () => {
  it.each([
    { argv: ["demo", "--manager-only", "--stack", "x"], says: "--stack: the --manager-only demo has no Pulumi stack" },
    { argv: ["demo", "--stack", "a b"], says: "--stack: letters, digits" },
    { argv: ["demo", "--runners", "2", "--jobs", "3"], says: "--jobs: at most --runners (2)" },
    { argv: ["demo", "--scale-to", "0"], says: "--scale-to: must be a whole number ≥ 1" },
  ])("exits 2 for `$argv` before starting anything", async ({ argv, says }) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
    expect(run.stdout).toBe("");
  });
});

describe("demoProject", () => {
  it("finds the demo project of a checkout, and asks for ./dev build while dist/ is missing", async () => {
    const root = join(dir, "fake-checkout");
    await mkdir(join(root, "pulumi", "demo"), { recursive: true });
    await writeFile(join(root, "Pulumi.yaml"), "# the demo\nname: runner-fleet-demo\nruntime: nodejs\n");
    await writeFile(join(root, "pulumi", "demo", "index.ts"), "");
    expect(() => demoProject(root)).toThrow(/is not built: .* run \.\/dev build/);
    await mkdir(join(root, "dist", "pulumi"), { recursive: true });
    await writeFile(join(root, "dist", "pulumi", "provider-entry.js"), "");
    expect(demoProject(root)).toEqual({ root, programDir: join(root, "pulumi", "demo") });
  });

  it("says the Pulumi demo needs a checkout, and how to run without Pulumi, elsewhere", () => {
    expect(() => demoProject(dir)).toThrow(/runs from a checkout of runner-fleet .* `runner-fleet demo --manager-only` runs without Pulumi/);
  });
});

describe("linkDemoPackage", () => {
  it("links the program's node_modules/runner-fleet to the checkout, as `npm install` of file:../.. does, and keeps a correct link", async () => {
    const root = join(dir, "checkout");
    const program = join(root, "pulumi", "demo");
    await mkdir(program, { recursive: true });
    await linkDemoPackage(program, root);
    await linkDemoPackage(program, root);
    const link = join(program, "node_modules", "runner-fleet");
    expect(await readlink(link)).toBe("../../..");
    expect(await realpath(link)).toBe(await realpath(root));
  });

  it("replaces what an earlier install left there (a copied package)", async () => {
    const root = join(dir, "checkout2");
    const program = join(root, "pulumi", "demo");
    const stale = join(program, "node_modules", "runner-fleet");
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, "package.json"), "{}");
    await linkDemoPackage(program, root);
    expect((await lstat(stale)).isSymbolicLink()).toBe(true);
  });
});

describe("demoEnv", () => {
  it("keeps the engine offline with its state under the work dir, and blanks the user's PULUMI_* settings", async () => {
    const env = await demoEnv("/engine/bin", join(dir, "work"), { PATH: "/usr/bin", HOME: "/home/u", PULUMI_ACCESS_TOKEN: "pul-123", PULUMI_BACKEND_URL: "https://api.pulumi.com" });
    expect(env).toMatchObject({
      HOME: "/home/u",
      PULUMI_ACCESS_TOKEN: "",
      PULUMI_HOME: join(dir, "work", "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${join(dir, "work", "state")}`,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    });
    expect(env.PATH).toBe(`/engine/bin:${dirname(process.execPath)}:/usr/bin`);
  });
});
