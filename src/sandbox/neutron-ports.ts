/** Neutron ports: fixed IPs from the network's subnets, security groups, and deletes routers' ports refuse. */
import type { SandboxResponse } from "./http.js";
import type { Fields, NeutronCaller, ResourceKind } from "./neutron-crud.js";
import { badRequest, conflict, isAnswer, notFound } from "./neutron-errors.js";
import { firstError, flag, ownerOf, strings, text } from "./neutron-input.js";
import type { FixedIp, PortRecord } from "./neutron-types.js";
import { portView } from "./neutron-views.js";
import { neutronError } from "./openstack-errors.js";

const ATTRIBUTES = [
  "id", "name", "network_id", "tenant_id", "mac_address", "admin_state_up", "status", "device_id", "device_owner", "fixed_ips",
  "allowed_address_pairs", "extra_dhcp_opts", "security_groups", "description", "binding:vnic_type", "port_security_enabled", "tags",
  "created_at", "updated_at", "revision_number", "project_id", "binding:host_id",
] as const;
const UPDATE_KEYS = [
  "fixed_ips", "name", "description", "admin_state_up", "device_id", "device_owner", "security_groups", "port_security_enabled", "allowed_address_pairs",
  "binding:vnic_type", "binding:host_id", "binding:profile", "extra_dhcp_opts",
];

/** The `ports` collection. */
export const PORTS: ResourceKind<PortRecord> = {
  kind: "port",
  one: "port",
  path: "ports",
  attributes: ATTRIBUTES,
  createKeys: [...UPDATE_KEYS, "network_id", "mac_address", "tenant_id", "project_id", "tags"],
  updateKeys: UPDATE_KEYS,
  items: (store) => store.ports,
  view: (_store, p, admin) => portView(p, admin),
  create(caller, fields) {
    if (fields["network_id"] === undefined) return badRequest("Failed to parse request. Required attribute 'network_id' not specified");
    const projectId = ownerOf(fields, caller);
    const name = text(fields, "name", "");
    const description = text(fields, "description", "");
    const deviceId = text(fields, "device_id", "");
    const deviceOwner = text(fields, "device_owner", "");
    const adminStateUp = flag(fields, "admin_state_up", true);
    const tags = strings(fields, "tags");
    const groups = groupsOf(caller, fields);
    const fixedIps = fixedIpsOf(fields);
    const error = firstError(projectId, name, description, deviceId, deviceOwner, adminStateUp, tags, groups, fixedIps);
    if (error !== undefined) return error;
    const portSecurity = fields["port_security_enabled"] === undefined ? undefined : flag(fields, "port_security_enabled", true);
    if (isAnswer(portSecurity)) return portSecurity;
    if (portSecurity === false && (groups as string[] | undefined ?? []).length > 0) return securityNeedsPortSecurity();
    const port = caller.store.createPort({
      name: name as string, description: description as string, projectId: projectId as string, networkId: String(fields["network_id"]),
      deviceId: deviceId as string, deviceOwner: deviceOwner as string, fixedIps: fixedIps as Partial<FixedIp>[] | undefined,
      securityGroups: portSecurity === false ? [] : (groups as string[] | undefined), adminStateUp: adminStateUp as boolean,
      portSecurityEnabled: portSecurity, status: "DOWN", tags: (tags as string[] | undefined) ?? [],
    });
    if (!isAnswer(port) && fields["allowed_address_pairs"] !== undefined) port.allowedAddressPairs = addressPairs(fields, port.macAddress);
    return port;
  },
  update(caller, record, fields) {
    const name = text(fields, "name", record.name);
    const description = text(fields, "description", record.description);
    const deviceId = text(fields, "device_id", record.deviceId);
    const deviceOwner = text(fields, "device_owner", record.deviceOwner);
    const adminStateUp = flag(fields, "admin_state_up", record.adminStateUp);
    const portSecurityEnabled = flag(fields, "port_security_enabled", record.portSecurityEnabled);
    const groups = groupsOf(caller, fields);
    const fixedIps = fixedIpsOf(fields);
    const error = firstError(name, description, deviceId, deviceOwner, adminStateUp, portSecurityEnabled, groups, fixedIps);
    if (error !== undefined) return error;
    const securityGroups = (groups as string[] | undefined) ?? record.securityGroups;
    if (portSecurityEnabled === false && securityGroups.length > 0) {
      if (groups !== undefined) return securityNeedsPortSecurity();
      return conflict("PortSecurityPortHasSecurityGroup", "Port has security group associated. Cannot disable port security or ip address until security group is removed");
    }
    if (fixedIps !== undefined) {
      const refused = caller.store.readdress(record, fixedIps as Partial<FixedIp>[]);
      if (refused !== undefined) return refused;
    }
    Object.assign(record, { name, description, deviceId, deviceOwner, adminStateUp, portSecurityEnabled, securityGroups });
    if (fields["allowed_address_pairs"] !== undefined) record.allowedAddressPairs = addressPairs(fields, record.macAddress);
    caller.store.touch(record);
    return undefined;
  },
  remove(caller, record) {
    // Routers own their ports: only remove_router_interface / clearing the gateway may delete them.
    if (record.deviceOwner === "network:router_interface" || record.deviceOwner === "network:router_gateway") {
      return conflict("ServicePortInUse", `Port ${record.id} cannot be deleted directly via the port API: has device owner ${record.deviceOwner}.`);
    }
    caller.store.ports.delete(record.id);
    return undefined;
  },
};

// --- internal ---

/** security_groups: every id must exist (404 SecurityGroupNotFound otherwise). */
function groupsOf(caller: NeutronCaller, fields: Fields): string[] | undefined | SandboxResponse {
  const ids = strings(fields, "security_groups");
  if (ids === undefined || isAnswer(ids)) return ids;
  const missing = ids.find((id) => !caller.store.groups.has(id));
  return missing === undefined ? [...new Set(ids)] : notFound("security_group", missing);
}

function fixedIpsOf(fields: Fields): Partial<FixedIp>[] | undefined | SandboxResponse {
  const given = fields["fixed_ips"];
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || !given.every((f) => typeof f === "object" && f !== null)) return badRequest(`Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '${JSON.stringify(given)}'.`);
  return (given as Record<string, unknown>[]).map((f) => ({
    ...(typeof f["subnet_id"] === "string" ? { subnet_id: f["subnet_id"] } : {}),
    ...(typeof f["ip_address"] === "string" ? { ip_address: f["ip_address"] } : {}),
  }));
}

function addressPairs(fields: Fields, mac: string): PortRecord["allowedAddressPairs"] {
  return (fields["allowed_address_pairs"] as { ip_address: string; mac_address?: string }[]).map((p) => ({ ip_address: p.ip_address, mac_address: p.mac_address ?? mac }));
}

function securityNeedsPortSecurity(): SandboxResponse {
  return neutronError(400, "PortSecurityAndIPRequiredForSecurityGroups", "Port security must be enabled and port must have an IP address in order to use security groups.");
}
