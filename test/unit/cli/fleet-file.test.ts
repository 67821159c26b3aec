import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFleetFile } from "../../../src/cli/fleet-file.js";
import { ConfigError } from "../../../src/manager/errors.js";

const VALID = `prefix: ci
runners: 2
image: ubuntu-24.04
flavor: m1.small
network: runners-net
github:
  path: acme/app
  token: ghp_exampletoken
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleet-file-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

/** Loads `file` from `dir` and returns the ConfigError it throws. */
async function problemsOf(file: string, env: Record<string, string> = {}): Promise<ConfigError> {
  const error = await loadFleetFile(file, { cwd: dir, env }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("loadFleetFile", () => {
  it("returns the validated spec when the file is valid", async () => {
    await write("fleet.yaml", VALID);
    const { spec, path } = await loadFleetFile("fleet.yaml", { cwd: dir, env: {} });
    expect(path).toBe(join(dir, "fleet.yaml"));
    expect(spec).toMatchObject({ prefix: "ci", runners: 2, github: { path: { kind: "repo", owner: "acme", repo: "app" } } });
  });

  it("says where to find an example when the file does not exist", async () => {
    const error = await problemsOf("missing.yaml");
    expect(error.problems).toEqual([{ path: "--config", message: expect.stringContaining("fleet file missing.yaml not found") }]);
    expect(error.problems[0]?.message).toContain("examples/fleet.yaml");
  });

  it("names the file, line and column when the YAML does not parse", async () => {
    await write("bad.yaml", "prefix: ci\nrunners: [1, 2\nimage: x\n");
    const error = await problemsOf("bad.yaml");
    expect(error.message).toBe("bad.yaml is not valid YAML");
    expect(error.problems[0]?.path).toMatch(/^bad\.yaml:\d+:\d+$/);
  });

  it("reports a duplicated key with its line", async () => {
    await write("dup.yaml", `${VALID}runners: 3\n`);
    const error = await problemsOf("dup.yaml");
    expect(error.problems[0]?.path).toBe("dup.yaml:9:1");
  });

  it("names an unknown field and the line it is on", async () => {
    await write("fleet.yaml", `${VALID}flavour: m1.large\n`);
    const error = await problemsOf("fleet.yaml");
    expect(error.message).toBe("invalid fleet file fleet.yaml");
    expect(error.problems).toEqual([{ path: "", message: "unknown field 'flavour' (line 9)" }]);
  });

  it.each([
    ["a negative count", "-1", "must be ≥ 0 (line 2)"],
    ["a fraction", "1.5", "must be a whole number (line 2)"],
    ["a word", "three", "must be a number of runners (line 2)"],
  ])("rejects %s of runners with its line", async (_name, value, message) => {
    await write("fleet.yaml", VALID.replace("runners: 2", `runners: ${value}`));
    const error = await problemsOf("fleet.yaml");
    expect(error.problems).toEqual([{ path: "runners", message }]);
  });

  it("reports every problem at once, not only the first", async () => {
    await write("fleet.yaml", VALID.replace("runners: 2", "runners: -1").replace("prefix: ci", "prefix: CI!"));
    const error = await problemsOf("fleet.yaml");
    expect(error.problems.map((p) => p.path).sort()).toEqual(["prefix", "runners"]);
  });

  it.each([
    ["an empty file", "", "the fleet file is empty"],
    ["a list", "- a\n- b\n", "must be a mapping of fields"],
  ])("rejects %s", async (_name, text, message) => {
    await write("fleet.yaml", text);
    const error = await problemsOf("fleet.yaml");
    expect(error.problems[0]?.message).toContain(message);
  });

  it("reads openstack.cloudsYamlFile relative to the fleet file, not the working directory", async () => {
    await write("clouds.yaml", "clouds:\n  mine:\n    auth: {}\n");
    await write("fleet.yaml", `${VALID}openstack:\n  cloud: mine\n  cloudsYamlFile: clouds.yaml\n`);
    const { spec } = await loadFleetFile(join(dir, "fleet.yaml"), { cwd: tmpdir(), env: {} });
    // The spec trims text fields, the trailing newline included.
    expect(spec.openstack).toEqual({ cloud: "mine", cloudsYaml: "clouds:\n  mine:\n    auth: {}" });
  });

  it("reports a clouds.yaml file that does not exist", async () => {
    await write("fleet.yaml", `${VALID}openstack:\n  cloudsYamlFile: nope.yaml\n`);
    const error = await problemsOf("fleet.yaml");
    expect(error.problems).toEqual([{ path: "openstack.cloudsYamlFile", message: "clouds.yaml nope.yaml not found (line 10)" }]);
  });

  it("refuses cloudsYaml and cloudsYamlFile together", async () => {
    await write("fleet.yaml", `${VALID}openstack:\n  cloudsYaml: "clouds: {}"\n  cloudsYamlFile: clouds.yaml\n`);
    const error = await problemsOf("fleet.yaml");
    expect(error.problems[0]).toMatchObject({ path: "openstack.cloudsYamlFile", message: expect.stringContaining("not both") });
  });

  it("anchors a relative metricsFile to the fleet file's folder", async () => {
    await write("fleet.yaml", `${VALID}metricsFile: out/metrics.jsonl\n`);
    const { spec } = await loadFleetFile(join(dir, "fleet.yaml"), { cwd: "/", env: {} });
    expect(spec.metricsFile).toBe(join(dir, "out/metrics.jsonl"));
  });

  it("takes the token from GITHUB_TOKEN when the file has none", async () => {
    await write("fleet.yaml", VALID.replace("  token: ghp_exampletoken\n", ""));
    const { spec } = await loadFleetFile("fleet.yaml", { cwd: dir, env: { GITHUB_TOKEN: "ghp_fromenv" } });
    expect(spec.github.auth).toEqual({ token: "ghp_fromenv" });
  });

  it("accepts the example fleet file shipped in examples/", async () => {
    const { spec } = await loadFleetFile(resolve("examples/fleet.yaml"), { cwd: dir, env: { GITHUB_TOKEN: "ghp_x" } });
    expect(spec.prefix).toBe("ci-small");
  });
});
