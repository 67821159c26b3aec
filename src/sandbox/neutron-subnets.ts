/** Neutron subnets (IPv4 only): CIDR, gateway and pool checks, and a delete that refuses while IPs are allocated. */
import type { SandboxResponse } from "./http.js";
import type { Fields, ResourceKind } from "./neutron-crud.js";
import { badRequest, conflict, invalidInput, notFound } from "./neutron-errors.js";
import { firstError, flag, ownerOf, strings, text } from "./neutron-input.js";
import { type Cidr, cidrText, contains, defaultGateway, defaultPools, ipToInt, overlaps, parseCidr } from "./neutron-ipam.js";
import type { AllocationPool, SubnetRecord } from "./neutron-types.js";
import { subnetView } from "./neutron-views.js";
import { neutronError } from "./openstack-errors.js";

const ATTRIBUTES = [
  "id", "name", "tenant_id", "network_id", "ip_version", "subnetpool_id", "enable_dhcp", "ipv6_ra_mode", "ipv6_address_mode", "gateway_ip",
  "cidr", "allocation_pools", "host_routes", "dns_nameservers", "description", "service_types", "tags", "created_at", "updated_at",
  "revision_number", "project_id",
] as const;
const UPDATE_KEYS = ["name", "description", "gateway_ip", "allocation_pools", "enable_dhcp", "dns_nameservers", "host_routes"];

/** The `subnets` collection. */
export const SUBNETS: ResourceKind<SubnetRecord> = {
  kind: "subnet",
  one: "subnet",
  path: "subnets",
  attributes: ATTRIBUTES,
  createKeys: [...UPDATE_KEYS, "network_id", "ip_version", "cidr", "tenant_id", "project_id", "subnetpool_id", "tags", "service_types"],
  updateKeys: UPDATE_KEYS,
  items: (store) => store.subnets,
  view: (_store, s) => subnetView(s),
  create(caller, fields) {
    const { store } = caller;
    if (fields["network_id"] === undefined) return badRequest("Failed to parse request. Required attribute 'network_id' not specified");
    if (fields["ip_version"] === undefined) return badRequest("Failed to parse request. Required attribute 'ip_version' not specified");
    const network = store.networks.get(String(fields["network_id"]));
    if (network === undefined) return notFound("network", String(fields["network_id"]));
    if (fields["ip_version"] !== 4 && fields["ip_version"] !== "4") {
      return badRequest(`Invalid input for ip_version. Reason: ${String(fields["ip_version"])} is not in [4] (the sandbox simulates IPv4 subnets only).`);
    }
    if (fields["cidr"] === undefined) return neutronError(400, "BadRequest", "Bad subnets request: a subnetpool must be specified in the absence of a cidr.");
    const cidr = parseCidr(String(fields["cidr"]));
    if (cidr === undefined) return invalidInput(`${String(fields["cidr"])} is not in a CIDR format.`);
    // Host bits are cleared silently: 10.80.0.5/24 becomes 10.80.0.0/24 (seen on Zed).
    const clash = store.subnetsOf(network.id).find((s) => overlaps(parseCidr(s.cidr) ?? cidr, cidr));
    if (clash !== undefined) return invalidInput(`Requested subnet with cidr: ${cidrText(cidr)} for network: ${network.id} overlaps with another subnet.`);
    const projectId = ownerOf(fields, caller);
    const name = text(fields, "name", "");
    const description = text(fields, "description", "");
    const enableDhcp = flag(fields, "enable_dhcp", true);
    const dns = strings(fields, "dns_nameservers");
    const tags = strings(fields, "tags");
    const gatewayIp = gatewayOf(fields, cidr, defaultGateway(cidr));
    const error = firstError(projectId, name, description, enableDhcp, dns, tags, gatewayIp);
    if (error !== undefined) return error;
    const pools = poolsOf(fields, cidr, gatewayIp as string | null);
    if (!Array.isArray(pools)) return pools;
    const record: SubnetRecord = {
      ...store.standard({ name: name as string, description: description as string, projectId: projectId as string, tags: (tags as string[] | undefined) ?? [] }),
      networkId: network.id, cidr: cidrText(cidr), gatewayIp: gatewayIp as string | null, allocationPools: pools, enableDhcp: enableDhcp as boolean,
      dnsNameservers: (dns as string[] | undefined) ?? [], hostRoutes: (fields["host_routes"] as SubnetRecord["hostRoutes"] | undefined) ?? [],
    };
    store.subnets.set(record.id, record);
    // The network's subnets list changed: its revision moves (its updated_at does not, as seen on Zed).
    network.revision += 1;
    return record;
  },
  update(caller, record, fields) {
    const cidr = parseCidr(record.cidr) as Cidr;
    const name = text(fields, "name", record.name);
    const description = text(fields, "description", record.description);
    const enableDhcp = flag(fields, "enable_dhcp", record.enableDhcp);
    const dns = strings(fields, "dns_nameservers");
    const gatewayIp = gatewayOf(fields, cidr, record.gatewayIp);
    const error = firstError(name, description, enableDhcp, dns, gatewayIp);
    if (error !== undefined) return error;
    const pools = fields["allocation_pools"] === undefined ? record.allocationPools : poolsOf(fields, cidr, gatewayIp as string | null);
    if (!Array.isArray(pools)) return pools;
    Object.assign(record, { name, description, enableDhcp, gatewayIp, allocationPools: pools, dnsNameservers: (dns as string[] | undefined) ?? record.dnsNameservers });
    if (fields["host_routes"] !== undefined) record.hostRoutes = fields["host_routes"] as SubnetRecord["hostRoutes"];
    caller.store.touch(record);
    return undefined;
  },
  remove(caller, record) {
    const { store } = caller;
    const holders = [...store.ports.values()].filter((p) => p.deviceOwner !== "network:dhcp" && p.fixedIps.some((f) => f.subnet_id === record.id));
    if (holders.length > 0) return conflict("SubnetInUse", `Unable to complete operation on subnet ${record.id}: One or more ports have an IP allocation from this subnet.`);
    store.subnets.delete(record.id);
    const network = store.networks.get(record.networkId);
    if (network !== undefined) network.revision += 1;
    return undefined;
  },
};

// --- internal ---

/** gateway_ip: absent means the default, null means none, else an address inside the CIDR. */
function gatewayOf(fields: Fields, cidr: Cidr, fallback: string | null): string | null | SandboxResponse {
  if (!("gateway_ip" in fields)) return fallback;
  const gw = fields["gateway_ip"];
  if (gw === null) return null;
  const n = typeof gw === "string" ? ipToInt(gw) : undefined;
  if (n === undefined) return badRequest(`Invalid input for gateway_ip. Reason: '${String(gw)}' is not a valid IP address.`);
  if (!contains(cidr, n)) return invalidInput(`Gateway IP ${String(gw)} conflicts with allocation pool.`);
  return gw as string;
}

/** allocation_pools: absent means every host but the gateway; given ones must lie in the CIDR. */
function poolsOf(fields: Fields, cidr: Cidr, gateway: string | null): AllocationPool[] | SandboxResponse {
  const given = fields["allocation_pools"];
  if (given === undefined) return defaultPools(cidr, gateway);
  if (!Array.isArray(given)) return badRequest(`Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '${String(given)}'.`);
  const pools: AllocationPool[] = [];
  for (const p of given as { start?: unknown; end?: unknown }[]) {
    const start = ipToInt(String(p.start));
    const end = ipToInt(String(p.end));
    if (start === undefined || end === undefined || start > end) return badRequest(`Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '${JSON.stringify(p)}'.`);
    if (!contains(cidr, start) || !contains(cidr, end)) return neutronError(400, "OutOfBoundsAllocationPool", `The allocation pool ${String(p.start)}-${String(p.end)} spans beyond the subnet cidr ${cidrText(cidr)}.`);
    pools.push({ start: String(p.start), end: String(p.end) });
  }
  return pools;
}
