/** Neutron's JSON views of the records, key for key as Zed shows them to a project member. */
import { cidrText, parseCidr } from "./neutron-ipam.js";
import type { NeutronStore } from "./neutron-store.js";
import type { NetworkRecord, PortRecord, RouterRecord, RuleRecord, SecurityGroupRecord, StandardRecord, SubnetRecord } from "./neutron-types.js";
import { isoSeconds } from "./openstack-seed.js";

/** A rendered resource. */
export type View = Record<string, unknown>;

/** A network (the seeded and created ones alike; availability_zones stays empty without a DHCP agent). */
export function networkView(store: NeutronStore, n: NetworkRecord): View {
  return {
    id: n.id, name: n.name, ...owner(n), admin_state_up: n.adminStateUp, mtu: n.mtu, status: "ACTIVE",
    subnets: store.subnetsOf(n.id).map((s) => s.id), shared: n.shared, availability_zone_hints: [...n.availabilityZoneHints],
    availability_zones: [], ipv4_address_scope: null, ipv6_address_scope: null, "router:external": n.external, description: n.description,
    port_security_enabled: n.portSecurityEnabled, ...standard(n),
  };
}

/** An IPv4 subnet. */
export function subnetView(s: SubnetRecord): View {
  return {
    id: s.id, name: s.name, ...owner(s), network_id: s.networkId, ip_version: 4, subnetpool_id: null, enable_dhcp: s.enableDhcp,
    ipv6_ra_mode: null, ipv6_address_mode: null, gateway_ip: s.gatewayIp, cidr: s.cidr, allocation_pools: s.allocationPools.map((p) => ({ ...p })),
    host_routes: s.hostRoutes.map((r) => ({ ...r })), dns_nameservers: [...s.dnsNameservers], description: s.description, service_types: [],
    ...standard(s),
  };
}

/** The sandbox's one compute host, where server (and router) ports are bound. */
const HOST = "compute-1";

/** A port; admins also see its binding (host, VIF type and details), as Neutron's policy has it. */
export function portView(p: PortRecord, admin = false): View {
  // Only bound ports are ACTIVE: servers' (Nova binds them to its host) and routers'.
  const bound = p.status === "ACTIVE";
  const binding = admin
    ? {
      "binding:profile": {}, "binding:host_id": bound ? HOST : "", "binding:vif_type": bound ? "ovs" : "unbound",
      "binding:vif_details": bound ? { port_filter: true, ovs_hybrid_plug: false } : {},
    }
    : {};
  return {
    id: p.id, name: p.name, network_id: p.networkId, ...owner(p), mac_address: p.macAddress, admin_state_up: p.adminStateUp, status: p.status,
    device_id: p.deviceId, device_owner: p.deviceOwner, fixed_ips: p.fixedIps.map((f) => ({ ...f })), allowed_address_pairs: p.allowedAddressPairs.map((a) => ({ ...a })),
    extra_dhcp_opts: [], security_groups: [...p.securityGroups], description: p.description, "binding:vnic_type": "normal", ...binding,
    port_security_enabled: p.portSecurityEnabled, ...standard(p),
  };
}

/** A security group with its rules, sorted by id as Neutron returns them. */
export function groupView(store: NeutronStore, g: SecurityGroupRecord): View {
  const rules = [...store.rules.values()].filter((r) => r.securityGroupId === g.id).sort((a, b) => a.id.localeCompare(b.id));
  return {
    id: g.id, name: g.name, stateful: g.stateful, ...owner(g), description: g.description, shared: false,
    security_group_rules: rules.map((r) => ruleView(r, true)), ...standard(g),
  };
}

/** A rule; nested in a group it also shows standard_attr_id and tags (seen on Zed). */
export function ruleView(r: RuleRecord, nested = false): View {
  const view: View = {
    id: r.id, tenant_id: r.projectId, security_group_id: r.securityGroupId, ethertype: r.ethertype, direction: r.direction, protocol: r.protocol,
    port_range_min: r.portRangeMin, port_range_max: r.portRangeMax, remote_ip_prefix: r.remoteIpPrefix, remote_address_group_id: null,
    normalized_cidr: normalized(r.remoteIpPrefix), remote_group_id: r.remoteGroupId,
  };
  if (nested) Object.assign(view, { standard_attr_id: r.standardAttrId, description: r.description, tags: [] });
  else view["description"] = r.description;
  return { ...view, created_at: isoSeconds(r.createdAt), updated_at: isoSeconds(r.updatedAt), revision_number: 0, project_id: r.projectId };
}

/** A router with its gateway's fixed IPs read from the gateway port. */
export function routerView(store: NeutronStore, r: RouterRecord): View {
  const gw = r.gateway;
  const gatewayPort = gw === null ? undefined : store.ports.get(gw.portId);
  return {
    id: r.id, name: r.name, ...owner(r), admin_state_up: r.adminStateUp, status: "ACTIVE",
    external_gateway_info: gw === null ? null : { network_id: gw.networkId, external_fixed_ips: (gatewayPort?.fixedIps ?? []).map((f) => ({ ...f })), enable_snat: gw.enableSnat },
    description: r.description, availability_zone_hints: [], availability_zones: [], routes: r.routes.map((x) => ({ ...x })), flavor_id: null,
    ...standard(r),
  };
}

// --- internal ---

/** The prefix with host bits cleared (IPv6 prefixes are shown as given). */
function normalized(prefix: string | null): string | null {
  if (prefix === null) return null;
  const cidr = parseCidr(prefix);
  return cidr === undefined ? prefix : cidrText(cidr);
}

function owner(r: StandardRecord): View {
  return { tenant_id: r.projectId };
}

function standard(r: StandardRecord): View {
  return { tags: [...r.tags], created_at: isoSeconds(r.createdAt), updated_at: isoSeconds(r.updatedAt), revision_number: r.revision, project_id: r.projectId };
}
