/** Neutron security group rules: validation as neutron/db/securitygroups_db.py does it, and 409 on a duplicate. */
import type { SandboxResponse } from "./http.js";
import type { Fields, ResourceKind } from "./neutron-crud.js";
import { badRequest, conflict, notFound } from "./neutron-errors.js";
import { firstError, ownerOf, text } from "./neutron-input.js";
import type { RuleRecord } from "./neutron-types.js";
import { ruleView } from "./neutron-views.js";
import { neutronError } from "./openstack-errors.js";

const ATTRIBUTES = [
  "id", "tenant_id", "security_group_id", "ethertype", "direction", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
  "remote_address_group_id", "normalized_cidr", "remote_group_id", "description", "created_at", "updated_at", "revision_number", "project_id",
] as const;
/** In the order Zed's error message lists them. */
const PROTOCOLS = [
  "ah", "dccp", "egp", "esp", "gre", "hopopt", "icmp", "igmp", "ip", "ipip", "ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt",
  "ipv6-opts", "ipv6-route", "ospf", "pgm", "rsvp", "sctp", "tcp", "udp", "udplite", "vrrp",
];
const PORTED = new Set(["tcp", "udp", "sctp", "dccp", "udplite", "6", "17", "132", "33", "136"]);

/** The `security-group-rules` collection (no updates: Neutron has none for rules). */
export const SECURITY_GROUP_RULES: ResourceKind<RuleRecord> = {
  kind: "security_group_rule",
  one: "security_group_rule",
  path: "security-group-rules",
  attributes: ATTRIBUTES,
  createKeys: [
    "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id",
    "remote_address_group_id", "description", "tenant_id", "project_id",
  ],
  updateKeys: [],
  items: (store) => store.rules,
  view: (_store, r) => ruleView(r),
  create(caller, fields) {
    const { store } = caller;
    const rule = readRule(fields);
    if (!("direction" in rule)) return rule;
    const projectId = ownerOf(fields, caller);
    const description = text(fields, "description", "");
    const error = firstError(projectId, description);
    if (error !== undefined) return error;
    const group = store.groups.get(rule.securityGroupId);
    if (group === undefined) return notFound("security_group", rule.securityGroupId);
    if (rule.remoteGroupId !== null && !store.groups.has(rule.remoteGroupId)) return notFound("security_group", rule.remoteGroupId);
    const twin = [...store.rules.values()].find((r) => r.securityGroupId === group.id && sameRule(r, rule));
    if (twin !== undefined) return conflict("SecurityGroupRuleExists", `Security group rule already exists. Rule id is ${twin.id}.`);
    const t = store.now();
    const { id } = store.standard({ projectId: projectId as string });
    const record: RuleRecord = { ...rule, id, projectId: projectId as string, description: description as string, standardAttrId: store.standardAttrId(), createdAt: t, updatedAt: t };
    store.rules.set(id, record);
    store.touch(group);
    return record;
  },
  remove(caller, record) {
    caller.store.rules.delete(record.id);
    const group = caller.store.groups.get(record.securityGroupId);
    if (group !== undefined) caller.store.touch(group);
    return undefined;
  },
};

// --- internal ---

type RuleInput = Pick<RuleRecord, "securityGroupId" | "direction" | "ethertype" | "protocol" | "portRangeMin" | "portRangeMax" | "remoteIpPrefix" | "remoteGroupId">;

function readRule(fields: Fields): RuleInput | SandboxResponse {
  if (fields["security_group_id"] === undefined) return badRequest("Failed to parse request. Required attribute 'security_group_id' not specified");
  const direction = fields["direction"];
  if (direction === undefined) return badRequest("Failed to parse request. Required attribute 'direction' not specified");
  if (direction !== "ingress" && direction !== "egress") return badRequest(`Invalid input for direction. Reason: ${String(direction)} is not in valid_values.`);
  const ethertype = fields["ethertype"] ?? "IPv4";
  if (ethertype !== "IPv4" && ethertype !== "IPv6") return badRequest(`Invalid input for ethertype. Reason: ${String(ethertype)} is not in valid_values.`);
  const raw = fields["protocol"] ?? null;
  const protocol = raw === null || raw === "any" ? null : String(raw).toLowerCase();
  if (protocol !== null && !PROTOCOLS.includes(protocol) && !(/^\d+$/.test(protocol) && Number(protocol) <= 255)) {
    return neutronError(400, "SecurityGroupRuleInvalidProtocol", `Security group rule protocol ${String(raw)} not supported. Only protocol values [None, ${PROTOCOLS.map((p) => `'${p}'`).join(", ")}] and integer representations [0 to 255] are supported.`);
  }
  const min = portOf(fields["port_range_min"]);
  const max = portOf(fields["port_range_max"]);
  if (min === undefined || max === undefined) return badRequest("Invalid input for port_range_min/port_range_max. Reason: not an integer.");
  if ((min !== null || max !== null) && protocol === null) return neutronError(400, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given.");
  // One end alone is refused too (tcp with port_range_min only, seen on Zed).
  if (protocol !== null && PORTED.has(protocol) && (min !== null || max !== null) && (min === null || max === null || min > max)) {
    return neutronError(400, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= port_range_max");
  }
  const prefix = typeof fields["remote_ip_prefix"] === "string" ? fields["remote_ip_prefix"] : null;
  const remoteGroupId = typeof fields["remote_group_id"] === "string" ? fields["remote_group_id"] : null;
  if (prefix !== null && remoteGroupId !== null) {
    return neutronError(400, "SecurityGroupMultipleRemoteEntites", "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.");
  }
  if (prefix !== null && prefix.includes(":") !== (ethertype === "IPv6")) {
    return neutronError(400, "SecurityGroupRuleParameterConflict", `Conflicting value ethertype ${ethertype} for CIDR ${prefix}`);
  }
  return { securityGroupId: String(fields["security_group_id"]), direction, ethertype, protocol, portRangeMin: min, portRangeMax: max, remoteIpPrefix: prefix, remoteGroupId };
}

/** null when absent, undefined when not a port number. */
function portOf(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return null;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** Neutron's duplicate check: 0.0.0.0/0 and ::/0 count as no prefix (the default egress rules have none). */
function sameRule(a: RuleInput, b: RuleInput): boolean {
  const prefix = (p: string | null) => (p === "0.0.0.0/0" || p === "::/0" ? null : p);
  return a.direction === b.direction && a.ethertype === b.ethertype && a.protocol === b.protocol && a.portRangeMin === b.portRangeMin
    && a.portRangeMax === b.portRangeMax && prefix(a.remoteIpPrefix) === prefix(b.remoteIpPrefix) && a.remoteGroupId === b.remoteGroupId;
}
