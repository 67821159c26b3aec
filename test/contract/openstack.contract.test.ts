/**
 * The OpenStack side of the product against the selected target (./target.ts): the same
 * assertions for the sandbox and for real Keystone, Nova, Glance and Neutron. Where the two are
 * inherently different the test branches on `target.kind` and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudAuthError, CloudError, NotFoundError, QuotaError } from "../../src/manager/errors.js";
import { METADATA_KEYS } from "../../src/manager/ports.js";
import { CloudRunnerState } from "../../src/manager/types.js";
import { renderUserData } from "../../src/manager/user-data.js";
import { nextQuery } from "../../src/openstack/_not-found.js";
import { OpenStackClient } from "../../src/openstack/client.js";
import { resolveServerConfig, type ServerConfig } from "../../src/openstack/cloud.js";
import { loadCloudConfig } from "../../src/openstack/clouds-yaml.js";
import { clientOf, deleteServers, nova, projectIdOf, rawServer, recorder, revokeOwnToken, runPrefix, serverName, waitForGone, waitForStatus } from "./api.js";
import { createBareServer, fleetOf, jitRunner, REFS } from "./fleet.js";
import { ADMIN_ONLY_KEYS, SERVER_KEYS } from "./nova-shapes.js";
import { openTarget, TIMEOUT_MS, type ContractTarget } from "./target.js";

let target: ContractTarget;
let member: OpenStackClient;
const prefix = runPrefix("o");

beforeAll(async () => {
  target = await openTarget();
  member = clientOf(target);
}, TIMEOUT_MS);
afterAll(async () => {
  await deleteServers(target, member, `^${prefix}`);
  await target.close();
}, TIMEOUT_MS);

const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
const flavorPaths = (calls: { method: string; url: string; status: number }[]) =>
  calls.map((c) => [c.method, c.url.includes("/auth/tokens") ? "keystone" : new URL(c.url).pathname.replace(/^.*\/v2\.1/, ""), c.status]);

describe(`Keystone (${process.env["RUNNER_FLEET_OPENSTACK"] ?? "sandbox"})`, { timeout: TIMEOUT_MS }, () => {
  it.each([["a password", "member"], ["an application credential", "appcred"]] as const)("issues a token with a catalog of every service for %s", async (_how, cloud) => {
    const client = clientOf(target, cloud);
    const token = await client.session.token();
    expect(token.catalog.map((s) => s.type)).toEqual(expect.arrayContaining(["identity", "compute", "image", "network"]));
    expect(await client.session.endpoint("compute")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*v2\.1\/?$/);
    expect((await client.nova.findFlavor("m1.small")).id).toBe("1");
  });

  it.each([["password", "member", "password"], ["application credential secret", "appcred", "application_credential_secret"]] as const)(
    "refuses a wrong %s with a CloudAuthError naming the cloud",
    async (_what, cloud, field) => {
      const wrong = target.cloudsYaml.replace(new RegExp(`(${field}: ).*`, "g"), "$1wrong-secret");
      const config = loadCloudConfig({ cloudsYaml: wrong, cloud: target.clouds[cloud], env: {} });
      const error = await failure(new OpenStackClient({ cloud: config }).nova.listFlavors());
      expect(error).toBeInstanceOf(CloudAuthError);
      expect(error).toMatchObject({ status: 401, message: expect.stringContaining(`cloud '${target.clouds[cloud]}'`) });
    },
  );

  it("re-authenticates once and retries when Nova rejects a revoked token", async () => {
    const rec = recorder();
    const client = clientOf(target, "member", { fetch: rec.fetch });
    await client.nova.listFlavors();
    const revoked = await revokeOwnToken(client);
    rec.calls.length = 0;
    await client.nova.listFlavors();
    expect(flavorPaths(rec.calls)).toEqual([["GET", "/flavors/detail", 401], ["POST", "keystone", 201], ["GET", "/flavors/detail", 200]]);
    expect((await client.session.token()).value).not.toBe(revoked);
  });

  it("renews its token before Keystone's expiry instead of waiting for a 401", async () => {
    // A real Keystone's expiry cannot be shortened per test, so the client's clock jumps instead.
    let skewMs = 0;
    const rec = recorder();
    const client = clientOf(target, "member", { fetch: rec.fetch, now: () => Date.now() + skewMs });
    await client.nova.listFlavors();
    skewMs = (await client.session.token()).renewAt - Date.now() + 1;
    rec.calls.length = 0;
    await client.nova.listFlavors();
    expect(flavorPaths(rec.calls)).toEqual([["POST", "keystone", 201], ["GET", "/flavors/detail", 200]]);
  });
});

describe("Nova microversions", { timeout: TIMEOUT_MS }, () => {
  it("negotiates 2.91 (the client's cap, below Zed's 2.93) and Nova echoes it", async () => {
    const rec = recorder();
    const client = clientOf(target, "member", { fetch: rec.fetch });
    expect(await client.nova.microversion()).toBe("2.91");
    await client.nova.listFlavors();
    expect(rec.calls.at(-1)?.headers.get("openstack-api-version")).toBe("compute 2.91");
  });

  it("answers 406 for a microversion above the cloud's maximum", async () => {
    const baseUrl = await member.session.endpoint("compute");
    const error = await failure(member.session.send({ service: "Nova", method: "GET", baseUrl, path: "/flavors", headers: { "openstack-api-version": "compute 2.999" } }));
    expect(error).toMatchObject({ status: 406, message: expect.stringMatching(/Version 2\.999 is not supported by the API\. Minimum is 2\.1 and maximum is 2\.93/) });
  });
});

describe("flavors, images, networks and security groups", { timeout: TIMEOUT_MS }, () => {
  let byName: ServerConfig;
  beforeAll(async () => {
    byName = await resolveServerConfig(member, REFS);
  });

  it("resolves the same ids by name and by id", async () => {
    const byId = await resolveServerConfig(member, { image: byName.imageId, flavor: byName.flavorId, network: byName.networkId, securityGroups: byName.securityGroupIds });
    expect(byId).toStrictEqual(byName);
    expect(byName.flavorId).toBe("1");
  });

  it("lists flavors with their sizes", async () => {
    const flavors = await member.nova.listFlavors();
    expect(flavors.map((f) => f.name).sort()).toStrictEqual(["m1.large", "m1.medium", "m1.small"]);
    expect(flavors.find((f) => f.name === "m1.small")).toMatchObject({ id: "1", vcpus: 1, ram: 2048, disk: 20 });
  });

  it.each([
    ["flavor", () => member.nova.findFlavor("m1.huge"), "flavor 'm1.huge' not found in region RegionOne; available: m1.large, m1.medium, m1.small"],
    ["image", () => member.glance.findImage("ubuntu-99.04"), "image 'ubuntu-99.04' not found in region RegionOne; available: ubuntu-22.04, ubuntu-24.04"],
    ["network", () => member.neutron.findNetwork("nope-net"), "network 'nope-net' not found in region RegionOne; available: runners-net"],
    ["security group", () => member.neutron.findSecurityGroup("nope-sg"), "security group 'nope-sg' not found in region RegionOne; available: default"],
  ])("says which %ss exist when one is not found", async (_kind, find, message) => {
    const error = await failure(find());
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(message);
  });
});

describe("error bodies", { timeout: TIMEOUT_MS }, () => {
  const missing = "8f4e2b6a-0c1d-4e5f-9a8b-7c6d5e4f3a2b";

  it.each([
    ["Nova", "compute", `/servers/${missing}`, `Instance ${missing} could not be found.`],
    ["Glance", "image", `/v2/images/${missing}`, `No image found with ID ${missing}`],
    ["Neutron", "network", `/v2.0/networks/${missing}`, `Network ${missing} could not be found.`],
  ] as const)("reads %s's 404 message", async (service, type, path, message) => {
    const baseUrl = (await member.session.endpoint(type)).replace(/\/v2(\.0)?\/?$/, "");
    const error = await failure(member.session.send({ service, method: "GET", baseUrl, path }));
    expect(error).toBeInstanceOf(CloudError);
    expect(error).toMatchObject({ status: 404, message: expect.stringContaining(`failed (404): ${message} [request req-`) });
  });

  it("reads Nova's 400 for an unknown key in a create request", async () => {
    const config = await resolveServerConfig(member, REFS);
    const server = { name: `${prefix}-bad`, imageRef: config.imageId, flavorRef: config.flavorId, networks: "none", bogus: 1 };
    const error = await failure(nova(member, "POST", "/servers", { server }));
    expect(error).toMatchObject({ status: 400, message: expect.stringContaining(`Value: {'name': '${prefix}-bad', 'imageRef'`) });
    expect((error as Error).message).toContain("Additional properties are not allowed ('bogus' was unexpected)");
  });

  it("reads Neutron's 400 for an unknown filter", async () => {
    const baseUrl = await member.session.endpoint("network");
    const error = await failure(member.session.send({ service: "Neutron", method: "GET", baseUrl, path: "/v2.0/networks", query: { bogus: "1" } }));
    expect(error).toMatchObject({ status: 400, message: expect.stringContaining("['bogus'] is invalid attribute for filtering") });
  });

  it("reads Nova's 400 for an unknown list parameter", async () => {
    const error = await failure(nova(member, "GET", "/servers/detail", undefined, { bogus: "1" }));
    expect(error).toMatchObject({ status: 400, message: expect.stringContaining("'bogus' does not match any of the regexes: '^_'") });
  });

  it("tells a policy refusal from a quota refusal", async () => {
    const project = await projectIdOf(member);
    const error = await failure(nova(member, "PUT", `/os-quota-sets/${project}`, { quota_set: { instances: 1 } }));
    expect(error).toMatchObject({ status: 403, message: expect.stringContaining("Policy doesn't allow os_compute_api:os-quota-sets:update") });
    expect(error).not.toBeInstanceOf(QuotaError);
  });

  it("reports an exhausted instance quota as a QuotaError, then the quota is restored", async () => {
    // The admin's own project, so that a suite running beside this one never meets the low quota.
    const admin = clientOf(target, "admin");
    const project = await projectIdOf(admin);
    const quota = async () => ((await nova(admin, "GET", `/os-quota-sets/${project}`)).body as { quota_set: { instances: number } }).quota_set.instances;
    const before = await quota();
    await nova(admin, "PUT", `/os-quota-sets/${project}`, { quota_set: { instances: 0, force: true } });
    try {
      const config = await resolveServerConfig(member, REFS);
      const error = await failure(createBareServer(admin, `${prefix}-quota`, config.imageId, config.flavorId));
      expect(error).toBeInstanceOf(QuotaError);
      expect(error).toMatchObject({ status: 403, message: expect.stringMatching(/Quota exceeded for instances: Requested 1, but already used \d+ of 0 instances/) });
    } finally {
      await nova(admin, "PUT", `/os-quota-sets/${project}`, { quota_set: { instances: before, force: true } });
    }
    expect(await quota()).toBe(before);
  });
});

describe("servers", { timeout: TIMEOUT_MS }, () => {
  let config: ServerConfig;
  beforeAll(async () => {
    config = await resolveServerConfig(member, REFS);
  });
  const bare = (name: string, client = member, flavorRef = config.flavorId) => createBareServer(client, name, config.imageId, flavorRef);

  it("creates a runner VM with user data, metadata, config drive, network and security group", async () => {
    const fleet = fleetOf(member, `${prefix}-vm`);
    // A JIT config the sandbox's GitHub knows, so its VM starts a runner and stays up like a real one.
    const jit = await jitRunner(target, serverName(`${prefix}-vm`, 1));
    const created = await fleet.createInstance({ name: jit.runner.name, runnerId: jit.runner.id, jitConfig: jit.jitConfig });
    const view = await waitForStatus(target, member, created.id, "ACTIVE");
    expect(view).toMatchObject({
      name: jit.runner.name,
      metadata: { [METADATA_KEYS.prefix]: `${prefix}-vm`, [METADATA_KEYS.runnerId]: String(jit.runner.id), [METADATA_KEYS.fingerprint]: "contract", [METADATA_KEYS.version]: "contract" },
      config_drive: "True",
      security_groups: [{ name: "default" }],
      key_name: null,
      image: { id: config.imageId },
      flavor: { original_name: "m1.small", vcpus: 1, ram: 2048, disk: 20 },
      addresses: { "runners-net": [{ version: 4, addr: expect.stringMatching(/^10\.42\.0\.\d+$/), "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": expect.stringMatching(/^fa:16:3e:/) }] },
    });
    expect(Object.keys(view).sort()).toStrictEqual(SERVER_KEYS);
    // User data is readable back only with admin credentials (Nova's default policy).
    const adminView = await rawServer(clientOf(target, "admin"), created.id);
    expect(Object.keys(adminView ?? {}).sort()).toStrictEqual([...SERVER_KEYS, ...ADMIN_ONLY_KEYS].sort());
    expect(adminView?.["OS-EXT-SRV-ATTR:user_data"]).toBe(Buffer.from(renderUserData(jit.jitConfig), "utf8").toString("base64"));
    expect((await fleet.listInstances()).map((i) => [i.id, i.runnerId, i.state])).toStrictEqual([[created.id, jit.runner.id, CloudRunnerState.Active]]);

    const output = await member.nova.consoleOutput(created.id);
    expect(typeof output).toBe("string");
    expect((await member.nova.consoleOutput(created.id, 1)).split("\n").filter((l) => l !== "")).toHaveLength(1);
    // Nova's fake driver prints canned text; the sandbox prints what cloud-init would.
    if (target.kind === "real") expect(output).toBe("FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE");
    else expect(output).toContain("RUNNER_FLEET_MARKER installed");
  });

  it("lists only its own fleet with the anchored name filter", async () => {
    const names = [serverName(`${prefix}-1`, 1), serverName(`${prefix}-10`, 1), `x${serverName(`${prefix}-1`, 2)}`];
    const ids = await Promise.all(names.map((n) => bare(n)));
    expect((await fleetOf(member, `${prefix}-1`).listInstances()).map((i) => i.id)).toStrictEqual([ids[0]]);
    expect((await fleetOf(member, `${prefix}-10`).listInstances()).map((i) => i.id)).toStrictEqual([ids[1]]);
    await deleteServers(target, member, `^x${prefix}-`);
  });

  it("pages with limit and marker, keeping the filter in the next link", async () => {
    const filter = `^${prefix}-pg-`;
    const ids = await Promise.all([1, 2, 3].map((n) => bare(serverName(`${prefix}-pg`, n))));
    // Nova lists building servers ahead of the rest, so pages are exact only once all settled.
    await Promise.all(ids.map((id) => waitForStatus(target, member, id, "ACTIVE")));
    const first = (await nova(member, "GET", "/servers/detail", undefined, { name: filter, limit: "2" })).body as Page;
    expect(first.servers).toHaveLength(2);
    const next = nextQuery(first.servers_links?.find((l) => l.rel === "next")?.href);
    expect(next).toStrictEqual({ name: filter, limit: "2", marker: first.servers[1]?.id });
    const second = (await nova(member, "GET", "/servers/detail", undefined, next)).body as Page;
    expect(second.servers).toHaveLength(1);
    expect(second.servers_links ?? []).toStrictEqual([]);
    expect([...first.servers, ...second.servers].map((s) => s.id).sort()).toStrictEqual([...ids].sort());
    expect((await member.nova.listServers(filter, 1)).map((s) => s.id).sort()).toStrictEqual([...ids].sort());
  });

  it("answers 409 for the console of a server that never got a host, which the fleet reads as empty", async () => {
    const admin = clientOf(target, "admin");
    const id = await bare(serverName(`${prefix}-err`, 1), admin, target.unschedulableFlavor());
    const view = await waitForStatus(target, admin, id, "ERROR");
    expect(view["fault"]).toMatchObject({ message: expect.stringContaining("No valid host was found") });
    const error = await failure(admin.nova.consoleOutput(id));
    expect(error).toMatchObject({ status: 409, message: expect.stringContaining(`Instance ${id} is not ready`) });
    expect(await fleetOf(admin, `${prefix}-err`).consoleOutput({ id, name: "", state: CloudRunnerState.Error, createdAt: new Date() })).toBe("");
    await admin.nova.deleteServer(id);
    await waitForGone(target, admin, id);
  });

  it("deletes a server, then finds it gone", async () => {
    const id = await bare(serverName(`${prefix}-del`, 1));
    const view = await waitForStatus(target, member, id, "ACTIVE");
    // Without a port Nova shows no security_groups key at all.
    expect(view).toMatchObject({ addresses: {} });
    expect(Object.keys(view).sort()).toStrictEqual(SERVER_KEYS.filter((k) => k !== "security_groups"));
    expect(await member.nova.deleteServer(id)).toBe("deleted");
    await waitForGone(target, member, id);
    expect(await member.nova.deleteServer(id)).toBe("gone");
    expect(await member.nova.getServer(id)).toBeUndefined();
  });
});

interface Page {
  servers: { id: string }[];
  servers_links?: { rel: string; href: string }[];
}
