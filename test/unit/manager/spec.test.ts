import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/manager/errors.js";
import { type FleetSpecInput, validateSpec } from "../../../src/manager/spec.js";

const valid: FleetSpecInput = {
  prefix: "ci",
  runners: 3,
  image: "ubuntu-24.04",
  flavor: "m1.small",
  network: "runners-net",
  github: { path: "acme/app", token: "ghp_example" },
};

function problemsOf(input: unknown, env: Record<string, string> = {}): string[] {
  try {
    validateSpec(input, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("validateSpec", () => {
  it("applies defaults to a minimal spec", () => {
    expect(validateSpec(valid)).toEqual({
      ...valid,
      name: "ci",
      securityGroups: [],
      labels: [],
      openstack: {},
      vm: {},
      createConcurrency: 10,
      graceSeconds: 60,
      creationTimeoutSeconds: 1200,
      github: { path: { kind: "repo", owner: "acme", repo: "app" }, auth: { token: "ghp_example" } },
    });
  });

  it("falls back to GITHUB_TOKEN when no credentials are written", () => {
    const { github } = valid;
    const spec = validateSpec({ ...valid, github: { path: github.path } }, { GITHUB_TOKEN: "ghp_env" });
    expect(spec.github.auth).toEqual({ token: "ghp_env" });
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ ...valid, prefix: "-bad", runners: -1, flavor: "", github: { path: "a/b/c", token: "t" } });
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/github\.path: 'a\/b\/c' is not a GitHub path/);
    expect(problems.join("\n")).toMatch(/prefix: use 1–51 lowercase/);
    expect(problems.join("\n")).toMatch(/runners: must be ≥ 0/);
    expect(problems.join("\n")).toMatch(/flavor: must not be empty/);
  });

  it.each([
    ["an unknown field", { ...valid, colour: "blue" }, "unknown field 'colour'"],
    ["a missing image", { ...valid, image: undefined }, "image: is required"],
    ["a fractional count", { ...valid, runners: 2.5 }, "runners: must be a whole number"],
    ["a count as text", { ...valid, runners: "3" }, "runners: must be a number of runners"],
    ["more runners than the maximum", { ...valid, maxRunners: 2 }, "runners: 3 exceeds maxRunners (2)"],
    ["a path with three segments", { ...valid, github: { path: "a/b/c", token: "t" } }, "github.path: 'a/b/c' is not a GitHub path"],
    ["both a token and an app", { ...valid, github: { path: "acme", token: "t", app: { appId: 1, installationId: 2, privateKey: "-----BEGIN RSA PRIVATE KEY-----" } } }, "give either token or app"],
    ["no credentials at all", { ...valid, github: { path: "acme" } }, "no GitHub credentials"],
    ["an app key that is not PEM", { ...valid, github: { path: "acme", app: { appId: 1, installationId: 2, privateKey: "secret" } } }, "must be a PEM private key"],
    ["a label with a space", { ...valid, labels: ["big gpu"] }, "labels.0: labels hold letters"],
    ["a relative runner directory", { ...valid, vm: { runnerDir: "opt/runner" } }, "vm.runnerDir: must be an absolute path"],
    ["a download URL that is not http", { ...valid, vm: { runnerDownloadUrl: "ftp://x/y.tgz" } }, "vm.runnerDownloadUrl: must be an http(s) URL"],
    ["a zero concurrency", { ...valid, createConcurrency: 0 }, "createConcurrency: must be ≥ 1"],
    ["a prefix too long for Nova", { ...valid, prefix: "a".repeat(52) }, "prefix: use 1–51"],
  ])("rejects %s", (_name, input, expected) => {
    expect(problemsOf(input).join("\n")).toContain(expected);
  });

  it("never echoes the token in a problem", () => {
    const problems = problemsOf({ ...valid, runners: -1, github: { path: "a/b/c", token: "ghp_supersecret" } });
    expect(problems.join("\n")).not.toContain("ghp_supersecret");
  });
});
