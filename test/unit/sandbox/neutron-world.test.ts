import { afterEach, describe, expect, it } from "vitest";
import { SECURITY_GROUP } from "../../../src/sandbox/openstack-seed.js";
import { type TestCloud, authed, dig, digString, serverBody, startCloud, token } from "./openstack-fetch.js";
import { adminToken } from "./neutron-admin.js";

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

/** A member's API, plus a network with one subnet made through it. */
async function withNetwork(c: TestCloud, cidr = "10.90.0.0/29") {
  const api = authed(c, await token(c));
  const net = digString((await api("POST", "/network/v2.0/networks", { network: { name: "extra-net" } })).body, "network.id");
  const subnet = digString((await api("POST", "/network/v2.0/subnets", { subnet: { network_id: net, ip_version: 4, cidr } })).body, "subnet.id");
  return { api, net, subnet };
}

describe("the sandbox's Neutron tied to Nova", () => {
  it("gives a server on a new network a port from that subnet, shown in its addresses, and removes it with the server", async () => {
    cloud = await startCloud({ deleteDelayMs: 10 });
    const { api, net, subnet } = await withNetwork(cloud);
    const created = await api("POST", "/compute/v2.1/servers", serverBody("vm-1", { networks: [{ uuid: net }] }));
    const id = digString(created.body, "server.id");
    const ports = dig((await api("GET", `/network/v2.0/ports?device_id=${id}`)).body, "ports") as Record<string, unknown>[];
    expect(ports).toMatchObject([{ device_owner: "compute:nova", status: "ACTIVE", fixed_ips: [{ subnet_id: subnet, ip_address: "10.90.0.2" }], security_groups: [SECURITY_GROUP.id] }]);
    expect(dig((await api("GET", `/compute/v2.1/servers/${id}`)).body, "server.addresses")).toStrictEqual({
      "extra-net": [{ version: 4, addr: "10.90.0.2", "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": ports[0]?.["mac_address"] }],
    });
    expect((await api("DELETE", `/network/v2.0/networks/${net}`)).status).toBe(409);
    await api("DELETE", `/compute/v2.1/servers/${id}`);
    cloud.advance(20);
    expect(dig((await api("GET", `/network/v2.0/ports?device_id=${id}`)).body, "ports")).toStrictEqual([]);
    expect((await api("DELETE", `/network/v2.0/networks/${net}`)).status).toBe(204);
  });

  it("puts a server's port in the security group it names", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    const group = digString((await api("POST", "/network/v2.0/security-groups", { security_group: { name: "web" } })).body, "security_group.id");
    const id = digString((await api("POST", "/compute/v2.1/servers", serverBody("vm-web", { security_groups: [{ name: "web" }] }))).body, "server.id");
    expect(dig((await api("GET", `/network/v2.0/ports?device_id=${id}`)).body, "ports.0.security_groups")).toStrictEqual([group]);
    expect(dig((await api("GET", `/compute/v2.1/servers/${id}`)).body, "server.security_groups")).toStrictEqual([{ name: "web" }]);
    expect((await api("DELETE", `/network/v2.0/security-groups/${group}`)).body).toMatchObject({ NeutronError: { type: "SecurityGroupInUse" } });
  });

  it.each([
    ["an unknown network", "8f4e2b6a-0c1d-4e5f-9a8b-7c6d5e4f3a2b", "Network 8f4e2b6a-0c1d-4e5f-9a8b-7c6d5e4f3a2b could not be found."],
    ["a network without a subnet", "bare", "requires a subnet in order to boot instances on."],
  ])("refuses a server on %s the way Nova does", async (_what, which, message) => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    const net = which === "bare" ? digString((await api("POST", "/network/v2.0/networks", { network: { name: "bare" } })).body, "network.id") : which;
    const answer = await api("POST", "/compute/v2.1/servers", serverBody("vm-x", { networks: [{ uuid: net }] }));
    expect(answer.status).toBe(400);
    expect(dig(answer.body, "badRequest.message")).toContain(message);
  });

  it("keeps networks, subnets and ports across a snapshot and restore, and seeds a state file from before Neutron", async () => {
    cloud = await startCloud();
    const { api, net } = await withNetwork(cloud);
    const port = digString((await api("POST", "/network/v2.0/ports", { port: { network_id: net } })).body, "port.id");
    const snapshot = JSON.parse(JSON.stringify(cloud.side.snapshot()));
    const { neutron: _neutron, ...older } = snapshot;
    cloud.side.restore(older);
    expect(dig((await api("GET", "/network/v2.0/networks?fields=name")).body, "networks")).toStrictEqual([{ name: "runners-net" }]);
    cloud.side.restore(snapshot);
    expect(dig((await api("GET", `/network/v2.0/ports/${port}`)).body, "port.fixed_ips.0.ip_address")).toBe("10.90.0.2");
    // The allocation continues after the restored ones.
    expect(dig((await api("POST", "/network/v2.0/ports", { port: { network_id: net } })).body, "port.fixed_ips.0.ip_address")).toBe("10.90.0.3");
  });

  it("answers 409 IpAddressGenerationFailure once a subnet's pool is used up", async () => {
    cloud = await startCloud();
    const { api, net } = await withNetwork(cloud, "10.91.0.0/30");
    expect((await api("POST", "/network/v2.0/ports", { port: { network_id: net } })).status).toBe(201);
    expect((await api("POST", "/network/v2.0/ports", { port: { network_id: net } })).body).toStrictEqual({
      NeutronError: { type: "IpAddressGenerationFailure", message: `No more IP addresses available on network ${net}.`, detail: "" },
    });
  });
});

describe("the sandbox's Neutron across projects", () => {
  it("hides another project's network from a member unless it is shared, and shows it to an admin", async () => {
    cloud = await startCloud();
    const admin = authed(cloud, await adminToken(cloud));
    const member = authed(cloud, await token(cloud));
    const hidden = digString((await admin("POST", "/network/v2.0/networks", { network: { name: "theirs", project_id: "other" } })).body, "network.id");
    await admin("POST", "/network/v2.0/networks", { network: { name: "common", project_id: "other", shared: true } });
    const names = async (api: typeof admin) => (dig((await api("GET", "/network/v2.0/networks?fields=name")).body, "networks") as { name: string }[]).map((n) => n.name);
    expect(await names(member)).toStrictEqual(["runners-net", "common"]);
    expect(await names(admin)).toStrictEqual(["runners-net", "theirs", "common"]);
    expect((await member("GET", `/network/v2.0/networks/${hidden}`)).status).toBe(404);
    expect((await member("POST", "/network/v2.0/networks", { network: { name: "x", project_id: "other" } })).status).toBe(400);
  });
});

describe("the sandbox's Neutron routers (absent from the test cloud)", () => {
  it("lists the router extension", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    expect((dig((await api("GET", "/network/v2.0/extensions")).body, "extensions") as { alias: string }[]).map((e) => e.alias)).toContain("router");
  });

  it("takes a gateway on an external network an admin made, and interfaces on subnets' gateways", async () => {
    cloud = await startCloud();
    const admin = authed(cloud, await adminToken(cloud));
    const pub = digString((await admin("POST", "/network/v2.0/networks", { network: { name: "public", "router:external": true } })).body, "network.id");
    await admin("POST", "/network/v2.0/subnets", { subnet: { network_id: pub, ip_version: 4, cidr: "172.24.4.0/24" } });
    const { api, net, subnet } = await withNetwork(cloud);
    expect((await api("POST", "/network/v2.0/networks", { network: { name: "x", "router:external": true } })).status).toBe(403);
    const refused = await api("POST", "/network/v2.0/routers", { router: { name: "r", external_gateway_info: { network_id: net } } });
    expect(dig(refused.body, "NeutronError.message")).toBe(`Bad router request: Network ${net} is not a valid external network.`);

    const router = await api("POST", "/network/v2.0/routers", { router: { name: "r", external_gateway_info: { network_id: pub } } });
    expect(router.status).toBe(201);
    const id = digString(router.body, "router.id");
    expect(dig(router.body, "router.external_gateway_info")).toMatchObject({ network_id: pub, enable_snat: true, external_fixed_ips: [{ ip_address: "172.24.4.2" }] });
    const added = await api("PUT", `/network/v2.0/routers/${id}/add_router_interface`, { subnet_id: subnet });
    expect(added.body).toMatchObject({ id, subnet_id: subnet, network_id: net, subnet_ids: [subnet] });
    const portId = digString(added.body, "port_id");
    expect(dig((await api("GET", `/network/v2.0/ports/${portId}`)).body, "port")).toMatchObject({ device_owner: "network:router_interface", status: "ACTIVE", fixed_ips: [{ ip_address: "10.90.0.1" }] });
    expect(dig((await api("PUT", `/network/v2.0/routers/${id}/add_router_interface`, { subnet_id: subnet })).body, "NeutronError.message")).toBe(`Bad router request: Router already has a port on subnet ${subnet}.`);
    expect(dig((await api("DELETE", `/network/v2.0/ports/${portId}`)).body, "NeutronError.type")).toBe("ServicePortInUse");
    expect(dig((await api("DELETE", `/network/v2.0/routers/${id}`)).body, "NeutronError.type")).toBe("RouterInUse");

    expect((await api("PUT", `/network/v2.0/routers/${id}/remove_router_interface`, { subnet_id: subnet })).status).toBe(200);
    expect((await api("PUT", `/network/v2.0/routers/${id}/remove_router_interface`, { subnet_id: subnet })).status).toBe(404);
    expect(dig((await api("PUT", `/network/v2.0/routers/${id}`, { router: { external_gateway_info: {} } })).body, "router.external_gateway_info")).toBeNull();
    expect((await api("DELETE", `/network/v2.0/routers/${id}`)).status).toBe(204);
    expect(dig((await admin("GET", `/network/v2.0/ports?network_id=${pub}`)).body, "ports")).toStrictEqual([]);
  });
});
