import { afterEach, describe, expect, it } from "vitest";
import { IMAGES } from "../../../src/sandbox/openstack-seed.js";
import { type TestCloud, authed, call, dig, digString, serverBody, startCloud, token } from "./openstack-fetch.js";

// Server actions, quota sets, admin views and list order, as recorded against a real Zed
// (test/contract runs the same calls against both).

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const adminAuth = {
  auth: {
    identity: { methods: ["password"], password: { user: { name: "admin", domain: { name: "Default" }, password: "sandbox-admin-password" } } },
    scope: { project: { name: "runners", domain: { name: "Default" } } },
  },
};

async function setup() {
  cloud = await startCloud({ bootDelayMs: 100, shutdownDelayMs: 50 });
  const c = cloud;
  const adminToken = (await call(`${c.side.authUrl}/auth/tokens`, "POST", adminAuth)).headers.get("x-subject-token") ?? "";
  const api = authed(c, await token(c));
  const admin = authed(c, adminToken);
  const create = async (name: string, extra: Record<string, unknown> = {}) => digString((await api("POST", "/compute/v2.1/servers", serverBody(name, extra))).body, "server.id");
  const status = async (id: string) => dig((await api("GET", `/compute/v2.1/servers/${id}`)).body, "server.status");
  const action = (id: string, body: unknown, as = api) => as("POST", `/compute/v2.1/servers/${id}/action`, body);
  return { c, api, admin, create, status, action };
}

describe("the sandbox's server actions", () => {
  it("powers a server off with os-stop and on again with os-start", async () => {
    const { c, create, status, action } = await setup();
    const id = await create("vm-1");
    expect((await action(id, { "os-stop": null })).body).toMatchObject({ conflictingRequest: { message: `Cannot 'stop' instance ${id} while it is in vm_state building` } });
    c.advance(100);
    expect((await action(id, { "os-stop": null })).status).toBe(202);
    expect((await action(id, { "os-stop": null })).body).toMatchObject({ conflictingRequest: { message: `Cannot 'stop' instance ${id} while it is in task_state powering-off` } });
    c.advance(50);
    expect(await status(id)).toBe("SHUTOFF");
    expect((await action(id, { "os-start": null })).status).toBe(202);
    expect(await status(id)).toBe("ACTIVE");
  });

  it("lets only an admin reset a server's state, which keeps its host and console", async () => {
    const { c, create, status, action, admin } = await setup();
    const id = await create("vm-1");
    c.advance(100);
    const refused = await action(id, { "os-resetState": { state: "error" } });
    expect(refused.body).toStrictEqual({ forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed." } });
    expect(digString((await action(id, { "os-resetState": { state: "bogus" } }, admin)).body, "badRequest.message")).toBe(
      "Invalid input for field/attribute state. Value: bogus. 'bogus' is not one of ['active', 'error']",
    );
    expect((await action(id, { "os-resetState": { state: "error" } }, admin)).status).toBe(202);
    expect(await status(id)).toBe("ERROR");
    expect((await action(id, { "os-getConsoleOutput": { length: 1 } })).status).toBe(200);
  });

  it("answers 409 for the console of a server that never got a host", async () => {
    const { c, create, action } = await setup();
    c.side.world.failNext = 1;
    const id = await create("vm-1");
    c.advance(100);
    expect((await action(id, { "os-getConsoleOutput": {} })).body).toStrictEqual({ conflictingRequest: { code: 409, message: `Instance ${id} is not ready` } });
  });

  it("shows user data and host attributes to an admin only, and the hostname to all from 2.90", async () => {
    const { c, api, admin, create } = await setup();
    const id = await create("Vm_1", { user_data: "IyEvYmluL3NoCg==" });
    c.advance(100);
    const member = dig((await api("GET", `/compute/v2.1/servers/${id}`)).body, "server") as Record<string, unknown>;
    expect(member).toMatchObject({ "OS-EXT-SRV-ATTR:hostname": "vm-1" });
    expect(member).not.toHaveProperty("OS-EXT-SRV-ATTR:user_data");
    const full = dig((await admin("GET", `/compute/v2.1/servers/${id}`)).body, "server");
    expect(full).toMatchObject({ "OS-EXT-SRV-ATTR:user_data": "IyEvYmluL3NoCg==", "OS-EXT-SRV-ATTR:host": "compute-1", host_status: "UP" });
  });
});

describe("the sandbox's quota sets", () => {
  it("shows the instances quota and lets an admin change it, forced below usage", async () => {
    const { api, admin, create } = await setup();
    const project = digString((await call(`${cloud?.side.url}/identity/v3/auth/tokens`, "POST", adminAuth)).body, "token.project.id");
    await create("vm-1");
    expect(dig((await api("GET", `/compute/v2.1/os-quota-sets/${project}`)).body, "quota_set.instances")).toBe(10);
    expect(digString((await api("PUT", `/compute/v2.1/os-quota-sets/${project}`, { quota_set: { instances: 5 } })).body, "forbidden.message")).toContain("os-quota-sets:update");
    const below = await admin("PUT", `/compute/v2.1/os-quota-sets/${project}`, { quota_set: { instances: 0 } });
    expect(digString(below.body, "badRequest.message")).toBe("Quota limit 0 for instances must be greater than or equal to already used and reserved 1.");
    expect((await admin("PUT", `/compute/v2.1/os-quota-sets/${project}`, { quota_set: { instances: 0, force: true } })).status).toBe(200);
    expect(digString((await api("POST", "/compute/v2.1/servers", serverBody("vm-2"))).body, "forbidden.message")).toBe(
      "Quota exceeded for instances: Requested 1, but already used 1 of 0 instances",
    );
  });
});

describe("the sandbox's server list order", () => {
  it("sorts by a sort_key and refuses unknown keys and admin-only ones", async () => {
    const { api, create } = await setup();
    const ids = [await create("a"), await create("b"), await create("c")].sort();
    const listed = await api("GET", "/compute/v2.1/servers?sort_key=uuid&sort_dir=asc&limit=2");
    expect((dig(listed.body, "servers") as { id: string }[]).map((s) => s.id)).toStrictEqual(ids.slice(0, 2));
    expect(digString((await api("GET", "/compute/v2.1/servers?sort_key=bogus")).body, "badRequest.message")).toContain("'bogus' is not one of [");
    expect(digString((await api("GET", "/compute/v2.1/servers?sort_key=host")).body, "forbidden.message")).toBe("Only administrators can sort servers by host");
    expect(digString((await api("GET", "/compute/v2.1/servers?bogus=1")).body, "badRequest.message")).toBe("'bogus' does not match any of the regexes: '^_'");
  });
});

describe("the sandbox's Glance errors", () => {
  it("answers JSON to a client that accepts JSON and HTML otherwise, as webob does", async () => {
    const { api } = await setup();
    const missing = IMAGES[0]?.id.replace(/^./, "0") ?? "";
    const json = await api("GET", `/image/v2/images/${missing}`, undefined, { accept: "application/json" });
    expect(json.body).toStrictEqual({ message: `No image found with ID ${missing}<br /><br />\n\n\n`, code: "404 Not Found", title: "Not Found" });
    const html = await api("GET", `/image/v2/images/${missing}`);
    expect(String(html.body)).toContain(`<h1>404 Not Found</h1>\n  No image found with ID ${missing}<br /><br />`);
  });
});
