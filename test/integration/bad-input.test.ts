import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFleetManager } from "../../src/fleet/create-runner-manager.js";
import {
  CloudAuthError,
  ConfigError,
  FleetError,
  GitHubApiError,
  GitHubAuthError,
  NotFoundError,
} from "../../src/manager/errors.js";
import type { FleetSpecInput } from "../../src/manager/spec.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { specFor, startFastSandbox } from "../support/sandbox-fleet.js";

// Every bad input gets a typed error whose message says what to do, and changes nothing.

let sb: Sandbox;
beforeAll(async () => {
  sb = await startFastSandbox();
  sb.addToken("ghp_readonly000000000000000000000000000", { permissions: "read" });
  sb.addToken("ghp_revoked0000000000000000000000000000");
  sb.revokeToken("ghp_revoked0000000000000000000000000000");
});
afterAll(() => sb.close());

type Case = {
  name: string;
  spec?: (s: FleetSpecInput) => FleetSpecInput;
  act?: "create" | "delete" | "reconcile";
  num?: number;
  error: new (...args: never[]) => FleetError;
  message: RegExp;
};

const withGitHub = (s: FleetSpecInput, github: Partial<FleetSpecInput["github"]>): FleetSpecInput => ({ ...s, github: { ...s.github, ...github } });
const withOpenStack = (s: FleetSpecInput, openstack: FleetSpecInput["openstack"]): FleetSpecInput => ({ ...s, openstack: { ...s.openstack, ...openstack } });
const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

const cases: Case[] = [
  { name: "a negative runner count", spec: (s) => ({ ...s, runners: -1 }), error: ConfigError, message: /runners: must be ≥ 0/ },
  { name: "a fractional runner count", spec: (s) => ({ ...s, runners: 1.5 }), error: ConfigError, message: /whole number/ },
  { name: "a fractional count to create", act: "create", num: 1.5, error: ConfigError, message: /num: must be a whole number/ },
  { name: "a negative count to delete", act: "delete", num: -2, error: ConfigError, message: /num: must be a whole number/ },
  { name: "an infinite desired count", act: "reconcile", num: Number.POSITIVE_INFINITY, error: ConfigError, message: /desired/ },
  { name: "a path with three segments", spec: (s) => withGitHub(s, { path: "a/b/c" }), error: ConfigError, message: /'a\/b\/c' is not a GitHub path: use 'org' or 'owner\/repo'/ },
  { name: "a path given as a URL", spec: (s) => withGitHub(s, { path: "https://github.com/acme/app" }), error: ConfigError, message: /without the URL/ },
  { name: "a prefix with capitals", spec: (s) => ({ ...s, prefix: "Bad_Prefix" }), error: ConfigError, message: /prefix: use 1–51 lowercase/ },
  { name: "an unknown field", spec: (s) => ({ ...s, flavour: "m1.small" }) as FleetSpecInput, error: ConfigError, message: /unknown field 'flavour'/ },
  { name: "more runners than maxRunners", spec: (s) => ({ ...s, runners: 5, maxRunners: 2 }), error: ConfigError, message: /exceeds maxRunners/ },
  { name: "no GitHub credentials", spec: (s) => ({ ...s, github: { path: "acme/app", apiUrl: s.github.apiUrl } }), error: ConfigError, message: /GITHUB_TOKEN/ },
  { name: "a malformed clouds.yaml", spec: (s) => withOpenStack(s, { cloudsYaml: "clouds: [unclosed" }), error: ConfigError, message: /clouds\.yaml/ },
  { name: "a cloud missing from clouds.yaml", spec: (s) => withOpenStack(s, { cloud: "production" }), error: ConfigError, message: /'production'.*available: sandbox/ },
  { name: "a clouds.yaml without auth_url", spec: (s) => withOpenStack(s, { cloudsYaml: "clouds:\n  sandbox:\n    auth:\n      username: u\n      password: p\n" }), error: ConfigError, message: /auth_url/ },
  { name: "an unknown image", spec: (s) => ({ ...s, image: "ubuntu-99.04" }), act: "create", error: NotFoundError, message: /image 'ubuntu-99\.04' not found.*ubuntu-24\.04/ },
  { name: "an unknown flavor", spec: (s) => ({ ...s, flavor: "m1.huge" }), act: "create", error: NotFoundError, message: /flavor 'm1\.huge' not found in region RegionOne; available: .*m1\.small/ },
  { name: "an unknown network", spec: (s) => ({ ...s, network: "nowhere-net" }), act: "create", error: NotFoundError, message: /network 'nowhere-net' not found.*runners-net/ },
  { name: "a wrong OpenStack password", spec: (s) => withOpenStack(s, { cloudsYaml: s.openstack?.cloudsYaml?.replace(/password: .*/, "password: wrong-password") }), act: "create", error: CloudAuthError, message: /Keystone|credentials|401/ },
  { name: "a revoked GitHub token", spec: (s) => withGitHub(s, { token: "ghp_revoked0000000000000000000000000000" }), act: "create", error: GitHubAuthError, message: /revoked|Bad credentials/ },
  { name: "a token without runner permissions", spec: (s) => withGitHub(s, { token: "ghp_readonly000000000000000000000000000" }), act: "create", error: GitHubAuthError, message: /permission|admin/ },
  { name: "an unknown runner group", spec: (s) => withGitHub(s, { path: "acme", runnerGroup: "no-such-group" }), act: "create", error: ConfigError, message: /runner group 'no-such-group' not found.*available: .*default/ },
  { name: "a GitHub App key that is not the app's", spec: (s) => ({ ...s, github: { path: "acme/app", apiUrl: s.github.apiUrl, app: { appId: 123456, installationId: 7654321, privateKey: otherKey } } }), act: "create", error: GitHubAuthError, message: /./ },
  { name: "an unreachable GitHub API", spec: (s) => withGitHub(s, { apiUrl: "http://127.0.0.1:9" }), act: "create", error: GitHubApiError, message: /127\.0\.0\.1:9|reach|connect/i },
];

describe("bad input", () => {
  it("has at least 20 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("rejects $name with a typed error and changes nothing", async ({ spec = (s) => s, act, num = 2, error, message }) => {
    const before = { servers: sb.servers().length, runners: sb.githubRunners().length };
    const run = async () => {
      const { manager } = createFleetManager(spec(specFor(sb, { prefix: "bad" })), { env: {}, retryAfterBaseMs: 1, timeoutMs: 2000 });
      if (act === "create") await manager.createRunners(num);
      else if (act === "delete") await manager.deleteRunners(num);
      else if (act === "reconcile") await manager.reconcile(num);
    };
    const thrown = await run().then(() => undefined, (e: unknown) => e);
    expect(thrown).toBeInstanceOf(error);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toMatch(/ghp_|password: |BEGIN RSA/);
    expect({ servers: sb.servers().length, runners: sb.githubRunners().length }).toEqual(before);
  });
});
