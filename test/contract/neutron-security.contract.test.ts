/**
 * Neutron security groups, rules and routers against the selected target (./target.ts): default
 * egress rules, validation, the 409s, and routers where the cloud has the L3 extension.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveServerConfig } from "../../src/openstack/cloud.js";
import type { OpenStackClient } from "../../src/openstack/client.js";
import { clientOf, runPrefix } from "./api.js";
import { REFS } from "./fleet.js";
import { NeutronCalls, neutronError } from "./neutron-api.js";
import { openTarget, TIMEOUT_MS, type ContractTarget } from "./target.js";

let target: ContractTarget;
let member: OpenStackClient;
let api: NeutronCalls;
let extensions: string[] = [];
const prefix = runPrefix("s");
const neutron = (method: string, path: string, body?: unknown) => api.call(method, path, body);
const make = (collection: string, one: string, fields: Record<string, unknown>) => api.make(collection, one, fields);
const remove = (path: string) => api.remove(path);

beforeAll(async () => {
  target = await openTarget();
  member = clientOf(target);
  api = new NeutronCalls(member);
  extensions = ((await neutron("GET", "/extensions")).body["extensions"] as { alias: string }[]).map((e) => e.alias);
}, TIMEOUT_MS);
afterAll(async () => {
  await api.cleanup();
  await target.close();
}, TIMEOUT_MS);

describe("Neutron security groups", { timeout: TIMEOUT_MS }, () => {
  it("gives a new group its two default egress rules and answers 409 for a duplicate rule", async () => {
    const group = await make("security-groups", "security_group", { name: `${prefix}-sg`, description: "contract" });
    const rules = group["security_group_rules"] as Record<string, unknown>[];
    expect(rules.map((r) => [r["direction"], r["ethertype"], r["protocol"], r["remote_ip_prefix"], r["remote_group_id"]]).sort()).toStrictEqual([
      ["egress", "IPv4", null, null, null],
      ["egress", "IPv6", null, null, null],
    ]);
    expect(group).toMatchObject({ stateful: true, shared: false, description: "contract", revision_number: 1 });
    const spec = { security_group_id: group["id"], direction: "ingress", protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "10.0.0.0/8" };
    const rule = await make("security-group-rules", "security_group_rule", spec);
    expect(rule).toMatchObject({ ethertype: "IPv4", normalized_cidr: "10.0.0.0/8", description: "", remote_address_group_id: null });
    expect(Object.keys(rule).sort()).toStrictEqual([
      "created_at", "description", "direction", "ethertype", "id", "normalized_cidr", "port_range_max", "port_range_min", "project_id", "protocol",
      "remote_address_group_id", "remote_group_id", "remote_ip_prefix", "revision_number", "security_group_id", "tenant_id", "updated_at",
    ]);
    expect((await neutron("POST", "/security-group-rules", { security_group_rule: spec })).body).toStrictEqual(neutronError("SecurityGroupRuleExists", `Security group rule already exists. Rule id is ${String(rule["id"])}.`));
    const egress = rules.find((r) => r["ethertype"] === "IPv4");
    // 0.0.0.0/0 is the same rule as no prefix at all: the default egress rule (what Terraform users meet).
    const again = await neutron("POST", "/security-group-rules", { security_group_rule: { security_group_id: group["id"], direction: "egress", ethertype: "IPv4", remote_ip_prefix: "0.0.0.0/0" } });
    expect(again.body).toStrictEqual(neutronError("SecurityGroupRuleExists", `Security group rule already exists. Rule id is ${String(egress?.["id"])}.`));
    expect((await neutron("GET", `/security-groups/${String(group["id"])}?fields=revision_number`)).body).toStrictEqual({ security_group: { revision_number: 2 } });
    const listed = await neutron("GET", `/security-group-rules?security_group_id=${String(group["id"])}&direction=ingress&fields=id`);
    expect(listed.body).toStrictEqual({ security_group_rules: [{ id: rule["id"] }] });
  });

  it.each([
    ["an unknown direction", { direction: "sideways" }, "HTTPBadRequest", "Invalid input for direction. Reason: sideways is not in valid_values."],
    ["a reversed port range", { direction: "ingress", protocol: "tcp", port_range_min: 30, port_range_max: 22 }, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= port_range_max"],
    ["ports without a protocol", { direction: "ingress", port_range_min: 22, port_range_max: 22 }, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given."],
    ["only one end of a TCP port range", { direction: "ingress", protocol: "tcp", port_range_min: 80 }, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= port_range_max"],
    [
      "both a remote prefix and a remote group", { direction: "ingress", protocol: "icmp", remote_ip_prefix: "10.0.0.0/8", remote_group_id: "SELF" },
      "SecurityGroupMultipleRemoteEntites", "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.",
    ],
    ["an IPv4 prefix on an IPv6 rule", { direction: "ingress", ethertype: "IPv6", remote_ip_prefix: "10.0.0.0/8" }, "SecurityGroupRuleParameterConflict", "Conflicting value ethertype IPv6 for CIDR 10.0.0.0/8"],
    [
      "an unknown protocol", { direction: "ingress", protocol: "bogus" }, "SecurityGroupRuleInvalidProtocol",
      "Security group rule protocol bogus not supported. Only protocol values [None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp'] and integer representations [0 to 255] are supported.",
    ],
  ])("refuses a rule with %s", async (_what, fields, type, message) => {
    const group = await api.defaultGroupId();
    const body = { security_group_rule: { security_group_id: group, ...fields, ...("remote_group_id" in fields ? { remote_group_id: group } : {}) } };
    expect((await neutron("POST", "/security-group-rules", body)).body).toStrictEqual(neutronError(type, message));
  });

  it("protects the default group from renaming, deletion and a second one", async () => {
    const group = await api.defaultGroupId();
    expect((await neutron("PUT", `/security-groups/${String(group)}`, { security_group: { name: "x" } })).body).toStrictEqual(neutronError("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed."));
    expect((await neutron("DELETE", `/security-groups/${String(group)}`)).body).toStrictEqual(neutronError("SecurityGroupCannotRemoveDefault", "Insufficient rights for removing default security group."));
    expect((await neutron("POST", "/security-groups", { security_group: { name: "default" } })).body).toStrictEqual(neutronError("SecurityGroupDefaultAlreadyExists", "Default security group already exists."));
  });

  it("refuses to delete a group a port uses, then deletes it once the port is gone", async () => {
    const group = await make("security-groups", "security_group", { name: `${prefix}-used` });
    const port = await make("ports", "port", { network_id: (await resolveServerConfig(member, REFS)).networkId, security_groups: [group["id"]] });
    expect(port["security_groups"]).toStrictEqual([group["id"]]);
    expect((await neutron("DELETE", `/security-groups/${String(group["id"])}`)).body).toStrictEqual(neutronError("SecurityGroupInUse", `Security Group ${String(group["id"])} in use.`));
    const renamed = await neutron("PUT", `/security-groups/${String(group["id"])}`, { security_group: { name: `${prefix}-used2` } });
    expect(renamed.body["security_group"]).toMatchObject({ name: `${prefix}-used2`, revision_number: 2 });
    expect(await remove(`/ports/${String(port["id"])}`)).toBe(204);
    expect(await remove(`/security-groups/${String(group["id"])}`)).toBe(204);
    expect((await neutron("GET", `/security-groups/${String(group["id"])}`)).body).toStrictEqual(neutronError("SecurityGroupNotFound", `Security group ${String(group["id"])} does not exist`));
  });
});

describe("Neutron quotas", { timeout: TIMEOUT_MS }, () => {
  it("shows the project's limits and usage, and answers 409 OverQuota past the security group quota", async () => {
    const project = String(((await neutron("GET", "/security-groups?name=default&fields=project_id")).body["security_groups"] as { project_id: string }[])[0]?.project_id);
    const limits = (await neutron("GET", `/quotas/${project}`)).body["quota"] as Record<string, number>;
    // Zed's defaults; a cloud with the L3 extension adds the router's (and floating IPs') quotas.
    expect(limits).toMatchObject({ network: 100, subnet: 100, subnetpool: -1, port: 500, rbac_policy: 10, security_group: 10, security_group_rule: 100 });
    if (extensions.includes("router")) expect(limits).toHaveProperty("router");
    const details = (await neutron("GET", `/quotas/${project}/details`)).body["quota"] as Record<string, { limit: number; used: number; reserved: number }>;
    expect(details["security_group"]).toMatchObject({ limit: 10, used: expect.any(Number), reserved: 0 });
    const free = (details["security_group"]?.limit ?? 0) - (details["security_group"]?.used ?? 0);
    const groups = [];
    for (let i = 0; i < free; i++) groups.push(await make("security-groups", "security_group", { name: `${prefix}-q${i}` }));
    expect(await neutron("POST", "/security-groups", { security_group: { name: `${prefix}-over` } })).toStrictEqual({
      status: 409, body: neutronError("OverQuota", "Quota exceeded for resources: ['security_group']."),
    });
    for (const g of groups) expect(await remove(`/security-groups/${String(g["id"])}`)).toBe(204);
  });
});

describe("Neutron routers", { timeout: TIMEOUT_MS }, () => {
  it("adds and removes a router interface on a subnet's gateway, where the cloud has the L3 extension", async (ctx) => {
    // The test cloud runs Neutron without an L3 service plugin: no `router` extension, no /routers.
    if (!extensions.includes("router")) {
      expect((await neutron("GET", "/routers")).status).toBe(404);
      ctx.skip("the cloud's Neutron lists no 'router' extension (no L3 plugin)");
    }
    const net = await make("networks", "network", { name: `${prefix}-rnet` });
    const subnet = await make("subnets", "subnet", { network_id: net["id"], ip_version: 4, cidr: "10.78.0.0/24" });
    const router = await make("routers", "router", { name: `${prefix}-router` });
    expect(router).toMatchObject({ status: "ACTIVE", external_gateway_info: null, admin_state_up: true, routes: [] });
    const added = await neutron("PUT", `/routers/${String(router["id"])}/add_router_interface`, { subnet_id: subnet["id"] });
    expect(added.body).toMatchObject({ id: router["id"], subnet_id: subnet["id"], network_id: net["id"], port_id: expect.any(String) });
    const ports = (await neutron("GET", `/ports?device_id=${String(router["id"])}`)).body["ports"] as Record<string, unknown>[];
    expect(ports.map((p) => [p["device_owner"], p["fixed_ips"]])).toStrictEqual([["network:router_interface", [{ subnet_id: subnet["id"], ip_address: "10.78.0.1" }]]]);
    expect((await neutron("DELETE", `/routers/${String(router["id"])}`)).status).toBe(409);
    expect((await neutron("DELETE", `/subnets/${String(subnet["id"])}`)).status).toBe(409);
    await neutron("PUT", `/routers/${String(router["id"])}/remove_router_interface`, { subnet_id: subnet["id"] });
    expect(await remove(`/routers/${String(router["id"])}`)).toBe(204);
    expect(await remove(`/subnets/${String(subnet["id"])}`)).toBe(204);
    expect(await remove(`/networks/${String(net["id"])}`)).toBe(204);
  });
});
