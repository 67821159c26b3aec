import type { Route, SandboxRequest, SandboxResponse } from "./http.js";
import { neutronError, unauthorized } from "./openstack-errors.js";
import { authenticate } from "./openstack-keystone.js";
import { IDENTITY, NETWORK, SECURITY_GROUP, stableId } from "./openstack-seed.js";
import type { CloudWorld } from "./openstack-world.js";

/** Query parameters that are not attribute filters. */
const SPECIAL = new Set(["fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse"]);

/** Neutron's networks and security groups, read-only. */
export function neutronRoutes(world: CloudWorld, baseUrl: () => string): Route[] {
  const authed = (fn: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) =>
    authenticate(world, req) === undefined ? unauthorized() : fn(req);
  const networks = [networkView()];
  const groups = [securityGroupView()];
  const show = (items: Record<string, unknown>[], key: string, type: string, missing: (id: string) => string) =>
    authed((req) => {
      const item = items.find((i) => i["id"] === req.params["id"]);
      if (item === undefined) return neutronError(404, type, missing(req.params["id"] ?? ""));
      return { status: 200, body: { [key]: pickFields(item, req.query.getAll("fields")) } };
    });
  const versions = (): SandboxResponse => ({
    status: 200,
    body: { versions: [{ id: "v2.0", status: "CURRENT", links: [{ href: `${baseUrl()}/network/v2.0/`, rel: "self" }] }] },
  });
  return [
    { method: "GET", pattern: "/network", handle: versions },
    { method: "GET", pattern: "/network/", handle: versions },
    { method: "GET", pattern: "/network/v2.0/networks", handle: authed((req) => list(networks, "networks", req)) },
    { method: "GET", pattern: "/network/v2.0/networks/{id}", handle: show(networks, "network", "NetworkNotFound", (id) => `Network ${id} could not be found.`) },
    { method: "GET", pattern: "/network/v2.0/security-groups", handle: authed((req) => list(groups, "security_groups", req)) },
    {
      method: "GET",
      pattern: "/network/v2.0/security-groups/{id}",
      handle: show(groups, "security_group", "SecurityGroupNotFound", (id) => `Security group ${id} does not exist`),
    },
  ];
}

// --- internal ---

/** Attribute filters: every given key must match one of its values (Neutron ORs repeated values). */
function list(items: Record<string, unknown>[], key: string, req: SandboxRequest): SandboxResponse {
  const filters = [...new Set(req.query.keys())].filter((k) => !SPECIAL.has(k));
  const sample = items[0] ?? {};
  // Zed validates filters (filter_validation = True): an unknown attribute is a 400.
  const unknown = filters.find((k) => !(k in sample));
  if (unknown !== undefined) return neutronError(400, "HTTPBadRequest", `['${unknown}'] is invalid attribute for filtering`);
  const matching = items.filter((item) =>
    filters.every((k) => req.query.getAll(k).some((v) => String(item[k]).toLowerCase() === v.toLowerCase() || String(item[k]) === v)),
  );
  return { status: 200, body: { [key]: matching.map((i) => pickFields(i, req.query.getAll("fields"))) } };
}

function pickFields(item: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return item;
  return Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k)));
}

function networkView(): Record<string, unknown> {
  return {
    id: NETWORK.id,
    name: NETWORK.name,
    tenant_id: IDENTITY.project.id,
    project_id: IDENTITY.project.id,
    admin_state_up: true,
    mtu: 1450,
    status: "ACTIVE",
    subnets: [NETWORK.subnetId],
    shared: false,
    availability_zone_hints: [],
    availability_zones: ["nova"],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    "router:external": false,
    description: "",
    port_security_enabled: true,
    qos_policy_id: null,
    l2_adjacency: true,
    tags: [],
    created_at: NETWORK.createdAt,
    updated_at: NETWORK.createdAt,
    revision_number: 2,
  };
}

function securityGroupView(): Record<string, unknown> {
  const rule = (direction: string, ethertype: string, remote: string | null) => ({
    id: stableId(`sg-rule-${direction}-${ethertype}`),
    tenant_id: IDENTITY.project.id,
    project_id: IDENTITY.project.id,
    security_group_id: SECURITY_GROUP.id,
    direction,
    ethertype,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: remote,
    normalized_cidr: null,
    description: null,
    tags: [],
    created_at: SECURITY_GROUP.createdAt,
    updated_at: SECURITY_GROUP.createdAt,
    revision_number: 0,
  });
  return {
    id: SECURITY_GROUP.id,
    name: SECURITY_GROUP.name,
    description: SECURITY_GROUP.description,
    tenant_id: IDENTITY.project.id,
    project_id: IDENTITY.project.id,
    stateful: true,
    shared: false,
    security_group_rules: [
      rule("egress", "IPv4", null),
      rule("egress", "IPv6", null),
      rule("ingress", "IPv4", SECURITY_GROUP.id),
      rule("ingress", "IPv6", SECURITY_GROUP.id),
    ],
    tags: [],
    created_at: SECURITY_GROUP.createdAt,
    updated_at: SECURITY_GROUP.createdAt,
    revision_number: 1,
  };
}
