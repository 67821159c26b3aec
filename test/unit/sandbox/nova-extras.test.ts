import { afterEach, describe, expect, it } from "vitest";
import { IDENTITY } from "../../../src/sandbox/openstack-seed.js";
import { type TestCloud, authed, call, dig, serverBody, startCloud, token } from "./openstack-fetch.js";

// The cases the contract suite (test/contract/nova-extras.contract.test.ts) cannot reach on a real
// cloud: a manual clock, admin calls on other users, quotas and persistence.
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGKd2OQ8b5fHq0lJzq3C0rA9pDYH0kXc8x0kqZqkzJ6C unit";

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function setup(options: Parameters<typeof startCloud>[0] = {}) {
  cloud = await startCloud(options);
  return { c: cloud, api: authed(cloud, await token(cloud)), admin: authed(cloud, await adminToken(cloud)) };
}

async function adminToken(c: TestCloud): Promise<string> {
  const user = { name: IDENTITY.admin.name, domain: { name: "Default" }, password: IDENTITY.admin.password };
  const body = { auth: { identity: { methods: ["password"], password: { user } }, scope: { project: { name: IDENTITY.project.name, domain: { name: "Default" } } } } };
  return (await call(`${c.side.authUrl}/auth/tokens`, "POST", body)).headers.get("x-subject-token") ?? "";
}

const importKey = (name: string, extra: Record<string, unknown> = {}) => ({ keypair: { name, public_key: PUBLIC_KEY, ...extra } });

describe("the sandbox's keypairs", () => {
  it("lets an admin read and delete another user's keypair by user_id, and refuses members", async () => {
    const { api, admin } = await setup();
    expect((await api("POST", "/compute/v2.1/os-keypairs", importKey("mine"))).status).toBe(201);
    const path = `/compute/v2.1/os-keypairs/mine?user_id=${IDENTITY.user.id}`;
    expect(dig((await admin("GET", path)).body, "keypair.user_id")).toBe(IDENTITY.user.id);
    expect((await admin("GET", "/compute/v2.1/os-keypairs/mine")).status).toBe(404);
    expect((await api("GET", `/compute/v2.1/os-keypairs?user_id=${IDENTITY.admin.id}`)).body).toStrictEqual({
      forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-keypairs:index to be performed." },
    });
    expect((await admin("DELETE", path)).status).toBe(204);
    expect(dig((await api("GET", "/compute/v2.1/os-keypairs")).body, "keypairs")).toStrictEqual([]);
  });

  it("refuses the 101st keypair of a user with Nova's quota message", async () => {
    const { api } = await setup();
    for (let n = 0; n < 100; n++) expect((await api("POST", "/compute/v2.1/os-keypairs", importKey(`k${n}`))).status).toBe(201);
    expect((await api("POST", "/compute/v2.1/os-keypairs", importKey("k100"))).body).toStrictEqual({ forbidden: { code: 403, message: "Quota exceeded, too many key pairs." } });
  });

  it("keeps keypairs across a snapshot and restore", async () => {
    const { c, api } = await setup();
    await api("POST", "/compute/v2.1/os-keypairs", importKey("kept"));
    const state = c.side.snapshot();
    await api("DELETE", "/compute/v2.1/os-keypairs/kept");
    c.side.restore(state);
    expect(dig((await api("GET", "/compute/v2.1/os-keypairs/kept")).body, "keypair.name")).toBe("kept");
    c.side.restore({ ...state, keypairs: undefined });
    expect((await api("GET", "/compute/v2.1/os-keypairs/kept")).status).toBe(404);
  });

  it("refuses an ed25519 key whose blob is cut short", async () => {
    const { api } = await setup();
    const cut = `ssh-ed25519 ${Buffer.from(PUBLIC_KEY.split(" ")[1] ?? "", "base64").subarray(0, 40).toString("base64")}`;
    expect(dig((await api("POST", "/compute/v2.1/os-keypairs", importKey("cut", { public_key: cut }))).body, "badRequest.message")).toBe(
      "Keypair data is invalid: failed to generate fingerprint",
    );
  });
});

describe("the sandbox's server metadata", () => {
  it("refuses to change the metadata of a server still building, and allows it once ACTIVE", async () => {
    const { c, api } = await setup({ bootDelayMs: 1000 });
    const id = String(dig((await api("POST", "/compute/v2.1/servers", serverBody("md"))).body, "server.id"));
    const put = () => api("PUT", `/compute/v2.1/servers/${id}/metadata/k`, { meta: { k: "v" } });
    expect((await put()).body).toStrictEqual({ conflictingRequest: { code: 409, message: `Cannot 'update metadata' instance ${id} while it is in vm_state building` } });
    c.advance(1000);
    c.side.tick();
    expect((await put()).status).toBe(200);
  });
});

describe("the sandbox's limits", () => {
  it.each([
    ["2.38", ["maxImageMeta", "maxPersonality", "maxPersonalitySize"]],
    ["2.56", ["maxPersonality", "maxPersonalitySize"]],
    ["2.57", []],
  ])("drops the proxied and removed limits by %s", async (mv, extra) => {
    const { api } = await setup();
    const absolute = dig((await api("GET", "/compute/v2.1/limits", undefined, { "openstack-api-version": `compute ${mv}` })).body, "limits.absolute") as object;
    expect(Object.keys(absolute).filter((k) => ["maxImageMeta", "maxPersonality", "maxPersonalitySize", "maxSecurityGroups"].includes(k))).toStrictEqual(extra);
  });

  it("shows an unlimited instance quota as -1, and another project's usage to an admin", async () => {
    const { api, admin } = await setup();
    await api("POST", "/compute/v2.1/servers", serverBody("one", { flavorRef: "2" }));
    await admin("PUT", `/compute/v2.1/os-quota-sets/${IDENTITY.project.id}`, { quota_set: { instances: -1 } });
    expect(dig((await api("GET", "/compute/v2.1/limits")).body, "limits.absolute")).toMatchObject({ maxTotalInstances: -1, totalInstancesUsed: 1, totalCoresUsed: 2, totalRAMUsed: 4096 });
    expect(dig((await admin("GET", "/compute/v2.1/limits?tenant_id=elsewhere")).body, "limits.absolute")).toMatchObject({ totalInstancesUsed: 0 });
  });
});
