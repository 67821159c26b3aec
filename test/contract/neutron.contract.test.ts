/**
 * Neutron networks, subnets and ports as the openstack Pulumi provider and openstacksdk use them,
 * against the selected target (./target.ts): CRUD, filters, paging, tags, defaults, the 409s, and a
 * server's port. Security groups and routers are in neutron-security.contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenStackClient } from "../../src/openstack/client.js";
import { resolveServerConfig } from "../../src/openstack/cloud.js";
import { clientOf, nova, runPrefix, waitForGone, waitForStatus } from "./api.js";
import { REFS } from "./fleet.js";
import { NeutronCalls, neutronError } from "./neutron-api.js";
import { ADMIN_PORT_KEYS, NESTED_RULE_KEYS, NETWORK_KEYS, PORT_KEYS, RULE_KEYS, SECURITY_GROUP_KEYS, SUBNET_KEYS } from "./neutron-shapes.js";
import { openTarget, TIMEOUT_MS, type ContractTarget } from "./target.js";
import { waitFor } from "../support/wait.js";

let target: ContractTarget;
let member: OpenStackClient;
let api: NeutronCalls;
const prefix = runPrefix("n");
const neutron = (method: string, path: string, body?: unknown) => api.call(method, path, body);
const make = (collection: string, one: string, fields: Record<string, unknown>) => api.make(collection, one, fields);
const remove = (path: string) => api.remove(path);

beforeAll(async () => {
  target = await openTarget();
  member = clientOf(target);
  api = new NeutronCalls(member);
}, TIMEOUT_MS);
afterAll(async () => {
  await api.cleanup();
  await target.close();
}, TIMEOUT_MS);

describe(`Neutron networks, subnets and ports (${process.env["RUNNER_FLEET_OPENSTACK"] ?? "sandbox"})`, { timeout: TIMEOUT_MS }, () => {
  it("creates, shows, filters, updates and deletes a network with Neutron's defaults", async () => {
    const net = await make("networks", "network", { name: `${prefix}-net` });
    expect(net).toMatchObject({
      name: `${prefix}-net`, admin_state_up: true, status: "ACTIVE", subnets: [], shared: false, "router:external": false, mtu: 1450,
      port_security_enabled: true, description: "", tags: [], revision_number: 1, project_id: expect.any(String), tenant_id: net["project_id"],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const byName = await neutron("GET", `/networks?name=${prefix}-net&fields=id&fields=name`);
    expect(byName.body).toStrictEqual({ networks: [{ id: net["id"], name: `${prefix}-net` }] });
    const updated = await neutron("PUT", `/networks/${String(net["id"])}`, { network: { description: "changed" } });
    expect(updated.body["network"]).toMatchObject({ description: "changed", revision_number: 2 });
    expect(await remove(`/networks/${String(net["id"])}`)).toBe(204);
    expect((await neutron("GET", `/networks/${String(net["id"])}`)).body).toStrictEqual(neutronError("NetworkNotFound", `Network ${String(net["id"])} could not be found.`));
  });

  it("shows the seeded network, subnet and group with Zed's keys", async () => {
    const config = await resolveServerConfig(member, REFS);
    const net = (await neutron("GET", `/networks/${config.networkId}`)).body["network"] as Record<string, unknown>;
    expect(Object.keys(net).sort()).toStrictEqual(NETWORK_KEYS);
    const subnet = (await neutron("GET", `/subnets/${String((net["subnets"] as string[])[0])}`)).body["subnet"] as Record<string, unknown>;
    expect(Object.keys(subnet).sort()).toStrictEqual(SUBNET_KEYS);
    expect(subnet).toMatchObject({ name: "runners-subnet", cidr: "10.42.0.0/24", gateway_ip: "10.42.0.1", allocation_pools: [{ start: "10.42.0.2", end: "10.42.0.254" }] });
    const group = (await neutron("GET", `/security-groups/${String(config.securityGroupIds[0])}`)).body["security_group"] as Record<string, unknown>;
    expect(Object.keys(group).sort()).toStrictEqual(SECURITY_GROUP_KEYS);
    const rules = group["security_group_rules"] as Record<string, unknown>[];
    expect(rules.map((r) => Object.keys(r).sort())).toStrictEqual(rules.map(() => NESTED_RULE_KEYS));
    // The default group: all egress, and ingress from members of the group itself.
    expect(rules.map((r) => `${String(r["direction"])} ${String(r["ethertype"])} ${r["remote_group_id"] === group["id"] ? "self" : "any"}`).sort()).toStrictEqual([
      "egress IPv4 any", "egress IPv6 any", "ingress IPv4 self", "ingress IPv6 self",
    ]);
    const rule = (await neutron("GET", `/security-group-rules/${String(rules[0]?.["id"])}`)).body["security_group_rule"] as Record<string, unknown>;
    expect(Object.keys(rule).sort()).toStrictEqual(RULE_KEYS);
  });

  it.each([
    ["networks", "NetworkNotFound", (id: string) => `Network ${id} could not be found.`],
    ["subnets", "SubnetNotFound", (id: string) => `Subnet ${id} could not be found.`],
    ["ports", "PortNotFound", (id: string) => `Port ${id} could not be found.`],
    ["security-groups", "SecurityGroupNotFound", (id: string) => `Security group ${id} does not exist`],
    ["security-group-rules", "SecurityGroupRuleNotFound", (id: string) => `Security group rule ${id} does not exist`],
  ])("answers 404 for an unknown item of %s, on show, update and delete", async (collection, type, message) => {
    const id = "8f4e2b6a-0c1d-4e5f-9a8b-7c6d5e4f3a2b";
    expect(await neutron("GET", `/${collection}/${id}`)).toStrictEqual({ status: 404, body: neutronError(type, message(id)) });
    expect(await neutron("DELETE", `/${collection}/${id}`)).toStrictEqual({ status: 404, body: neutronError(type, message(id)) });
  });

  it("pages with limit and marker, with next and previous links", async () => {
    const first = await make("networks", "network", { name: `${prefix}-page` });
    const page = await neutron("GET", "/networks?limit=1&fields=id");
    const items = page.body["networks"] as { id: string }[];
    expect(items).toHaveLength(1);
    const links = (page.body["networks_links"] as { rel: string; href: string }[]).map((l) => [l.rel, new URL(l.href).search]);
    expect(links).toStrictEqual([
      ["next", `?limit=1&fields=id&marker=${String(items[0]?.id)}`],
      ["previous", `?limit=1&fields=id&marker=${String(items[0]?.id)}&page_reverse=True`],
    ]);
    const all = ((await neutron("GET", "/networks?fields=id")).body["networks"] as { id: string }[]).map((n) => n.id);
    expect(all).toContain(first["id"]);
    expect(await remove(`/networks/${String(first["id"])}`)).toBe(204);
  });

  it.each([
    ["another project's", { project_id: "8f4e2b6a0c1d4e5f9a8b7c6d5e4f3a2b" }, 400, "HTTPBadRequest", "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges"],
    ["a shared", { shared: true }, 403, "PolicyNotAuthorized", "(rule:create_network and rule:create_network:shared) is disallowed by policy"],
    ["an external", { "router:external": true }, 403, "PolicyNotAuthorized", "(rule:create_network and rule:create_network:router:external) is disallowed by policy"],
  ])("refuses a member %s network", async (_what, fields, status, type, message) => {
    expect(await neutron("POST", "/networks", { network: { name: `${prefix}-refused`, ...fields } })).toStrictEqual({ status, body: neutronError(type, message) });
  });

  it("refuses unknown attributes and read-only updates with 400", async () => {
    expect((await neutron("POST", "/networks", { network: { name: `${prefix}-bad`, bogus: 1 } })).body).toStrictEqual(neutronError("HTTPBadRequest", "Unrecognized attribute(s) 'bogus'"));
    expect((await neutron("GET", "/ports?bogus=1")).body).toStrictEqual(neutronError("HTTPBadRequest", "['bogus'] is invalid attribute for filtering"));
    expect((await neutron("POST", "/ports", { port: { name: "x" } })).body).toStrictEqual(neutronError("HTTPBadRequest", "Failed to parse request. Required attribute 'network_id' not specified"));
    const subnet = ((await neutron("GET", "/subnets?name=runners-subnet&fields=id")).body["subnets"] as { id: string }[])[0]?.id;
    expect((await neutron("PUT", `/subnets/${String(subnet)}`, { subnet: { cidr: "10.82.0.0/24" } })).body).toStrictEqual(neutronError("HTTPBadRequest", "Cannot update read-only attribute cidr"));
  });

  it("defaults a subnet's gateway and pools, clears host bits, and updates its pools", async () => {
    const net = await make("networks", "network", { name: `${prefix}-pools` });
    const bare = await make("subnets", "subnet", { network_id: net["id"], ip_version: 4, cidr: "10.79.0.0/29", gateway_ip: null });
    expect(bare).toMatchObject({ name: "", gateway_ip: null, allocation_pools: [{ start: "10.79.0.1", end: "10.79.0.6" }] });
    const sloppy = await make("subnets", "subnet", { network_id: net["id"], ip_version: 4, cidr: "10.80.0.5/24" });
    expect(sloppy).toMatchObject({ cidr: "10.80.0.0/24", gateway_ip: "10.80.0.1", allocation_pools: [{ start: "10.80.0.2", end: "10.80.0.254" }] });
    const pooled = await make("subnets", "subnet", {
      network_id: net["id"], ip_version: 4, cidr: "10.81.0.0/24", gateway_ip: "10.81.0.254", allocation_pools: [{ start: "10.81.0.10", end: "10.81.0.20" }],
    });
    const updated = await neutron("PUT", `/subnets/${String(pooled["id"])}`, { subnet: { name: "renamed", allocation_pools: [{ start: "10.81.0.30", end: "10.81.0.40" }] } });
    expect(updated.body["subnet"]).toMatchObject({ name: "renamed", allocation_pools: [{ start: "10.81.0.30", end: "10.81.0.40" }], revision_number: 1 });
    const port = await make("ports", "port", { network_id: net["id"], fixed_ips: [{ subnet_id: pooled["id"] }], port_security_enabled: false });
    expect(port).toMatchObject({ security_groups: [], port_security_enabled: false, fixed_ips: [{ subnet_id: pooled["id"], ip_address: expect.stringMatching(/^10\.81\.0\.(3\d|40)$/) }] });
    const outside = await neutron("POST", "/ports", { port: { network_id: net["id"], fixed_ips: [{ ip_address: "10.99.0.5" }] } });
    expect(outside.body).toStrictEqual(neutronError("InvalidIpForNetwork", "IP address 10.99.0.5 is not a valid IP for any of the subnets on the specified network."));
    expect(await remove(`/ports/${String(port["id"])}`)).toBe(204);
    // Deleting the network takes its (unused) subnets with it.
    expect(await remove(`/networks/${String(net["id"])}`)).toBe(204);
    expect((await neutron("GET", `/subnets?network_id=${String(net["id"])}`)).body).toStrictEqual({ subnets: [] });
  });

  it("allocates a port's IP from the subnet's pool, and refuses to delete what is in use with 409", async () => {
    const net = await make("networks", "network", { name: `${prefix}-inuse` });
    const subnet = await make("subnets", "subnet", { name: `${prefix}-sub`, network_id: net["id"], ip_version: 4, cidr: "10.77.0.0/28" });
    expect(subnet).toMatchObject({ gateway_ip: "10.77.0.1", allocation_pools: [{ start: "10.77.0.2", end: "10.77.0.14" }], enable_dhcp: true, ip_version: 4, revision_number: 0 });
    expect((await neutron("GET", `/networks/${String(net["id"])}?fields=subnets&fields=revision_number`)).body).toStrictEqual({ network: { subnets: [subnet["id"]], revision_number: 2 } });
    const overlap = await neutron("POST", "/subnets", { subnet: { network_id: net["id"], ip_version: 4, cidr: "10.77.0.0/29" } });
    expect(overlap.body).toStrictEqual(neutronError("InvalidInput", `Invalid input for operation: Requested subnet with cidr: 10.77.0.0/29 for network: ${String(net["id"])} overlaps with another subnet.`));

    const port = await make("ports", "port", { name: `${prefix}-port`, network_id: net["id"] });
    const defaultGroup = await api.defaultGroupId();
    expect(port).toMatchObject({
      status: "DOWN", device_owner: "", device_id: "", admin_state_up: true, mac_address: expect.stringMatching(/^fa:16:3e(:[0-9a-f]{2}){3}$/),
      fixed_ips: [{ subnet_id: subnet["id"], ip_address: expect.stringMatching(/^10\.77\.0\.([2-9]|1[0-4])$/) }], security_groups: [defaultGroup],
      port_security_enabled: true, "binding:vnic_type": "normal", revision_number: 1,
    });
    expect(Object.keys(port).sort()).toStrictEqual(PORT_KEYS);
    const unbound = (await new NeutronCalls(clientOf(target, "admin")).call("GET", `/ports/${String(port["id"])}`)).body["port"];
    expect(unbound).toMatchObject({ "binding:host_id": "", "binding:vif_type": "unbound", "binding:vif_details": {}, "binding:profile": {} });
    const ip = (port["fixed_ips"] as { ip_address: string }[])[0]?.ip_address;
    const twin = await neutron("POST", "/ports", { port: { network_id: net["id"], fixed_ips: [{ ip_address: ip }] } });
    expect(twin.body).toStrictEqual(neutronError("IpAddressAlreadyAllocated", `IP address ${String(ip)} already allocated in subnet ${String(subnet["id"])}`));
    const byIp = await neutron("GET", `/ports?network_id=${String(net["id"])}&fixed_ips=ip_address%3D${String(ip)}&fields=id`);
    expect(byIp.body).toStrictEqual({ ports: [{ id: port["id"] }] });

    expect((await neutron("DELETE", `/networks/${String(net["id"])}`)).body).toStrictEqual(neutronError(
      "NetworkInUse",
      `Unable to complete operation on network ${String(net["id"])}. There are one or more ports still in use on the network, id for these ports is: ${String(port["id"])}.`,
    ));
    expect((await neutron("DELETE", `/subnets/${String(subnet["id"])}`)).body).toStrictEqual(neutronError(
      "SubnetInUse",
      `Unable to complete operation on subnet ${String(subnet["id"])}: One or more ports have an IP allocation from this subnet.`,
    ));
    const renamed = await neutron("PUT", `/ports/${String(port["id"])}`, { port: { name: `${prefix}-port2`, admin_state_up: false } });
    expect(renamed.body["port"]).toMatchObject({ name: `${prefix}-port2`, admin_state_up: false, revision_number: 2 });
    const moved = await neutron("PUT", `/ports/${String(port["id"])}`, { port: { fixed_ips: [{ subnet_id: subnet["id"], ip_address: "10.77.0.14" }] } });
    expect(moved.body["port"]).toMatchObject({ fixed_ips: [{ subnet_id: subnet["id"], ip_address: "10.77.0.14" }], revision_number: 3 });
    expect(await remove(`/ports/${String(port["id"])}`)).toBe(204);
    expect(await remove(`/subnets/${String(subnet["id"])}`)).toBe(204);
    expect(await remove(`/networks/${String(net["id"])}`)).toBe(204);
  });

  it("tags a network and filters by tag, each change a revision", async () => {
    const net = await make("networks", "network", { name: `${prefix}-tags` });
    const id = String(net["id"]);
    expect((await neutron("PUT", `/networks/${id}/tags/red`)).status).toBe(201);
    expect((await neutron("PUT", `/networks/${id}/tags`, { tags: ["a", "b"] })).body).toStrictEqual({ tags: ["a", "b"] });
    expect((await neutron("DELETE", `/networks/${id}/tags/a`)).status).toBe(204);
    expect((await neutron("GET", `/networks/${id}?fields=tags&fields=revision_number`)).body).toStrictEqual({ network: { tags: ["b"], revision_number: 4 } });
    expect((await neutron("GET", `/networks?tags=b&name=${prefix}-tags&fields=id`)).body).toStrictEqual({ networks: [{ id }] });
    expect((await neutron("GET", `/networks?tags=red&name=${prefix}-tags&fields=id`)).body).toStrictEqual({ networks: [] });
    expect(await remove(`/networks/${id}`)).toBe(204);
  });

  it("gives a server on a network a compute:nova port with the address Nova shows, and deletes it with the server", async () => {
    const config = await resolveServerConfig(member, REFS);
    const response = await nova(member, "POST", "/servers", { server: { name: `${prefix}-vm`, imageRef: config.imageId, flavorRef: config.flavorId, networks: [{ uuid: config.networkId }] } });
    const id = (response.body as { server: { id: string } }).server.id;
    try {
      const view = await waitForStatus(target, member, id, "ACTIVE");
      const ports = (await neutron("GET", `/ports?device_id=${id}`)).body["ports"] as Record<string, unknown>[];
      expect(ports).toHaveLength(1);
      expect(ports[0]).toMatchObject({ device_owner: "compute:nova", device_id: id, network_id: config.networkId, status: "ACTIVE", security_groups: config.securityGroupIds });
      const fixed = (ports[0]?.["fixed_ips"] as { ip_address: string }[])[0];
      expect(view["addresses"]).toStrictEqual({
        "runners-net": [{ version: 4, addr: fixed?.ip_address, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": ports[0]?.["mac_address"] }],
      });
      // Only an admin sees where the port is bound; Nova bound it to the server's host.
      const asAdmin = (await new NeutronCalls(clientOf(target, "admin")).call("GET", `/ports/${String(ports[0]?.["id"])}`)).body["port"] as Record<string, unknown>;
      expect(Object.keys(asAdmin).sort()).toStrictEqual([...PORT_KEYS, ...ADMIN_PORT_KEYS].sort());
      expect(asAdmin).toMatchObject({ "binding:host_id": expect.stringMatching(/.+/), "binding:vif_type": "ovs", "binding:profile": {} });
    } finally {
      await member.nova.deleteServer(id);
      await waitForGone(target, member, id);
    }
    expect((await neutron("GET", `/ports?device_id=${id}`)).body).toStrictEqual({ ports: [] });
  });

  it("boots a server on a new network with a port in the group it names, and keeps the network while the server lives", async () => {
    const config = await resolveServerConfig(member, REFS);
    const net = await make("networks", "network", { name: `${prefix}-vmnet` });
    const server = (networkId: unknown, groups = [{ name: "default" }]) => ({
      server: { name: `${prefix}-vm2`, imageRef: config.imageId, flavorRef: config.flavorId, networks: [{ uuid: networkId }], security_groups: groups },
    });
    const bare = await nova(member, "POST", "/servers", server(net["id"])).then(() => undefined, (error: unknown) => error);
    expect(bare).toMatchObject({ status: 400, message: expect.stringContaining(`Network ${String(net["id"])} requires a subnet in order to boot instances on.`) });
    const subnet = await make("subnets", "subnet", { network_id: net["id"], ip_version: 4, cidr: "10.83.0.0/28" });
    const group = await make("security-groups", "security_group", { name: `${prefix}-vmsg` });
    const id = ((await nova(member, "POST", "/servers", server(net["id"], [{ name: `${prefix}-vmsg` }]))).body as { server: { id: string } }).server.id;
    try {
      const view = await waitForStatus(target, member, id, "ACTIVE");
      expect(view["security_groups"]).toStrictEqual([{ name: `${prefix}-vmsg` }]);
      const [port] = (await neutron("GET", `/ports?device_id=${id}`)).body["ports"] as Record<string, unknown>[];
      expect(port).toMatchObject({ network_id: net["id"], security_groups: [group["id"]], fixed_ips: [{ subnet_id: subnet["id"], ip_address: expect.stringMatching(/^10\.83\.0\.([2-9]|1[0-4])$/) }] });
      expect(Object.keys(view["addresses"] as object)).toStrictEqual([`${prefix}-vmnet`]);
      expect((await neutron("DELETE", `/networks/${String(net["id"])}`)).body).toMatchObject({ NeutronError: { type: "NetworkInUse" } });
      expect((await neutron("DELETE", `/security-groups/${String(group["id"])}`)).body).toMatchObject({ NeutronError: { type: "SecurityGroupInUse" } });
    } finally {
      await member.nova.deleteServer(id);
      await waitForGone(target, member, id);
    }
    // Nova removes the port as the server goes; on a real cloud that can trail the 404 a little.
    await waitFor("the server's port to go", async () => ((await neutron("GET", `/ports?device_id=${id}`)).body["ports"] as unknown[]).length === 0 || undefined, target.patienceMs, 200);
    expect(await remove(`/security-groups/${String(group["id"])}`)).toBe(204);
    expect(await remove(`/networks/${String(net["id"])}`)).toBe(204);
  });
});
