import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/manager/errors.js";
import { loadCloudConfig, type LoadCloudConfigOptions } from "../../../src/openstack/clouds-yaml.js";

const CI = `
clouds:
  ci:
    auth:
      auth_url: https://keystone.example:5000/v3
      username: runner-mgr
      password: hunter2-secret
      project_name: ci
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
`;
const TWO = `${CI}
  dev:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://dev.example:5000
      application_credential_id: app-1
      application_credential_secret: appcred-secret
`;

/** Runs the loader against an in-memory file system. */
function load(files: Record<string, string>, options: Omit<LoadCloudConfigOptions, "readFile" | "cwd" | "home"> = {}) {
  return loadCloudConfig({ env: {}, ...options, cwd: "/work", home: "/home/me", readFile: (p) => files[p] });
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadCloudConfig", () => {
  it.each([
    ["the current directory first", { "/work/clouds.yaml": CI, "/home/me/.config/openstack/clouds.yaml": "clouds: {other: {}}" }],
    ["clouds.yml in the user config directory", { "/home/me/.config/openstack/clouds.yml": CI }],
    ["/etc/openstack last", { "/etc/openstack/clouds.yaml": CI }],
  ])("finds clouds.yaml in %s", (_name, files) => {
    expect(load(files).name).toBe("ci");
  });

  it("reads a password cloud into a typed config", () => {
    expect(load({ "/work/clouds.yaml": CI })).toStrictEqual({
      name: "ci",
      authUrl: "https://keystone.example:5000/v3",
      auth: { type: "password", username: "runner-mgr", password: "hunter2-secret", projectName: "ci", userDomainName: "Default", projectDomainName: "Default" },
      regionName: "RegionOne",
      interface: "public",
    });
  });

  it("prefers OS_CLIENT_CONFIG_FILE over the search path", () => {
    const files = { "/work/clouds.yaml": "clouds: {}", "/cfg/c.yaml": CI };
    expect(load(files, { env: { OS_CLIENT_CONFIG_FILE: "/cfg/c.yaml" } }).name).toBe("ci");
  });

  it("prefers explicit cloudsYaml text over every file", () => {
    expect(load({ "/work/clouds.yaml": "clouds: {x: {}}" }, { cloudsYaml: CI }).name).toBe("ci");
  });

  it.each([
    ["the cloud option", { cloud: "dev" }, "dev"],
    ["OS_CLOUD", { env: { OS_CLOUD: "dev" } }, "dev"],
    ["the cloud option over OS_CLOUD", { cloud: "ci", env: { OS_CLOUD: "dev" } }, "ci"],
  ])("selects the cloud by %s", (_name, options, expected) => {
    expect(load({ "/work/clouds.yaml": TWO }, options).name).toBe(expected);
  });

  it("reads an application credential by id with no project scope", () => {
    expect(load({ "/work/clouds.yaml": TWO }, { cloud: "dev" })).toMatchObject({
      authUrl: "https://dev.example:5000",
      auth: { type: "application_credential", id: "app-1", secret: "appcred-secret" },
    });
  });

  it("merges secure.yaml into the cloud of the same name", () => {
    const files = {
      "/work/clouds.yaml": CI.replace("      password: hunter2-secret\n", ""),
      "/home/me/.config/openstack/secure.yaml": "clouds:\n  ci:\n    auth:\n      password: from-secure\n",
    };
    expect(load(files).auth).toMatchObject({ password: "from-secure", username: "runner-mgr" });
  });

  it("builds the envvars cloud from OS_* variables when no cloud is named", () => {
    const env = {
      OS_AUTH_URL: "https://k.example/v3", OS_USERNAME: "u", OS_PASSWORD: "pw-secret", OS_PROJECT_ID: "p1",
      OS_USER_DOMAIN_ID: "default", OS_INTERFACE: "internal", OS_REGION_NAME: "R2",
    };
    expect(load({ "/work/clouds.yaml": CI }, { env })).toStrictEqual({
      name: "envvars",
      authUrl: "https://k.example/v3",
      auth: { type: "password", username: "u", password: "pw-secret", projectId: "p1", userDomainId: "default" },
      regionName: "R2",
      interface: "internal",
    });
  });

  it("keeps explicit cloudsYaml text ahead of ambient OS_* variables", () => {
    expect(load({}, { cloudsYaml: CI, env: { OS_AUTH_URL: "https://k.example/v3", OS_PASSWORD: "x" } }).name).toBe("ci");
  });

  it("reads an application credential by name from the environment", () => {
    const env = {
      OS_AUTH_TYPE: "v3applicationcredential", OS_AUTH_URL: "https://k.example", OS_APPLICATION_CREDENTIAL_NAME: "ci",
      OS_APPLICATION_CREDENTIAL_SECRET: "s", OS_USERNAME: "u", OS_USER_DOMAIN_NAME: "Default",
    };
    expect(load({}, { env }).auth).toStrictEqual({ type: "application_credential", name: "ci", username: "u", userDomainName: "Default", secret: "s" });
  });

  it("lets OS_REGION_NAME override a file's region_name", () => {
    expect(load({ "/work/clouds.yaml": CI }, { env: { OS_CLOUD: "ci", OS_REGION_NAME: "RegionTwo" } }).regionName).toBe("RegionTwo");
  });

  it("fills user and project domains from domain_name and maps legacy tenant_name", () => {
    const yaml = "clouds:\n  c:\n    auth: {auth_url: 'http://k', username: u, password: p, tenant_name: t, domain_name: D}\n";
    expect(load({}, { cloudsYaml: yaml }).auth).toMatchObject({ projectName: "t", userDomainName: "D", projectDomainName: "D" });
  });

  it.each([
    ["an unknown cloud", { "/work/clouds.yaml": TWO }, { cloud: "prod" }, "cloud 'prod' not found in /work/clouds.yaml; available: ci, dev"],
    ["several clouds and no choice", { "/work/clouds.yaml": TWO }, {}, "defines several clouds (ci, dev); choose one with the cloud option or OS_CLOUD"],
    ["nothing configured", {}, {}, "no OpenStack cloud configured"],
    ["invalid YAML", { "/work/clouds.yaml": "clouds:\n  ci: {auth: [\n" }, {}, "/work/clouds.yaml is not valid YAML: "],
    ["a missing password", { "/work/clouds.yaml": CI.replace("      password: hunter2-secret\n", "") }, {}, "auth.password is missing for cloud 'ci'"],
    ["a missing OS_PASSWORD", {}, { env: { OS_AUTH_URL: "http://k/v3", OS_USERNAME: "u", OS_USER_DOMAIN_NAME: "D", OS_PROJECT_ID: "p" } }, "OS_PASSWORD is missing for cloud 'envvars'"],
    ["an unsupported auth_type", {}, { cloudsYaml: "clouds: {c: {auth_type: token, auth: {auth_url: 'http://k'}}}" }, "auth_type 'token' is not supported for cloud 'c' (use password or v3applicationcredential)"],
    ["a missing OS_CLIENT_CONFIG_FILE", {}, { env: { OS_CLIENT_CONFIG_FILE: "/nope.yaml" } }, "OS_CLIENT_CONFIG_FILE names /nope.yaml, which does not exist"],
  ])("throws a ConfigError for %s", (_name, files, options, message) => {
    expect(errorOf(() => load(files, options)).message).toContain(message);
  });

  it("reports every problem of a cloud at once", () => {
    const error = errorOf(() => load({}, { cloudsYaml: "clouds: {c: {auth: {username: u}, interface: weird}}" }));
    expect(error.problems.map((p) => p.path)).toStrictEqual([
      "clouds.c.auth.auth_url", "clouds.c.interface", "clouds.c.auth.password", "clouds.c.auth.user_domain_name", "clouds.c.auth.project_name",
    ]);
  });

  it.each([
    ["a YAML error on the password's line", "clouds:\n  ci:\n    auth: {password: hunter2-secret: x}\n"],
    ["a missing username", CI.replace("      username: runner-mgr\n", "")],
    ["a password of the wrong type", CI.replace("password: hunter2-secret", "password: {nested: hunter2-secret}")],
  ])("never puts the secret in the message for %s", (_name, yaml) => {
    const error = errorOf(() => load({}, { cloudsYaml: yaml }));
    expect(error.message).not.toContain("hunter2");
    expect(JSON.stringify(error.problems)).not.toContain("hunter2");
  });
});
