/** Neutron networks: create, update, and a delete that refuses while ports other than DHCP's remain. */
import type { SandboxResponse } from "./http.js";
import type { Fields, NeutronCaller, ResourceKind } from "./neutron-crud.js";
import { badRequest, conflict, policyRefused } from "./neutron-errors.js";
import { firstError, flag, ownerOf, strings, text } from "./neutron-input.js";
import type { NetworkRecord } from "./neutron-types.js";
import { networkView } from "./neutron-views.js";

const ATTRIBUTES = [
  "id", "name", "tenant_id", "admin_state_up", "mtu", "status", "subnets", "shared", "availability_zone_hints", "availability_zones",
  "ipv4_address_scope", "ipv6_address_scope", "router:external", "description", "port_security_enabled", "tags", "created_at", "updated_at",
  "revision_number", "project_id",
] as const;
const UPDATE_KEYS = ["name", "admin_state_up", "shared", "router:external", "description", "port_security_enabled", "mtu"];
/** Provider attributes are accepted from admins and otherwise ignored (no segments are simulated). */
const PROVIDER_KEYS = ["provider:network_type", "provider:physical_network", "provider:segmentation_id"];

/** The `networks` collection. */
export const NETWORKS: ResourceKind<NetworkRecord> = {
  kind: "network",
  one: "network",
  path: "networks",
  attributes: ATTRIBUTES,
  createKeys: [...UPDATE_KEYS, "tenant_id", "project_id", "availability_zone_hints", "tags", ...PROVIDER_KEYS],
  updateKeys: UPDATE_KEYS,
  items: (store) => store.networks,
  public: (n) => n.shared || n.external,
  view: networkView,
  create(caller, fields) {
    const projectId = ownerOf(fields, caller);
    const settings = readSettings(caller, fields, { name: "", description: "", adminStateUp: true, shared: false, external: false, mtu: 1450, portSecurityEnabled: true });
    const hints = strings(fields, "availability_zone_hints");
    const tags = strings(fields, "tags");
    const error = firstError(projectId, settings, hints, tags);
    if (error !== undefined) return error;
    if (PROVIDER_KEYS.some((k) => k in fields) && !caller.admin) return policyRefused("create_network and rule:create_network:provider:network_type");
    const record: NetworkRecord = {
      ...caller.store.standard({ projectId: projectId as string, tags: (tags as string[] | undefined) ?? [] }, 1),
      ...(settings as Settings),
      availabilityZoneHints: (hints as string[] | undefined) ?? [],
    };
    caller.store.networks.set(record.id, record);
    return record;
  },
  update(caller, record, fields) {
    const settings = readSettings(caller, fields, record);
    if (firstError(settings) !== undefined) return settings as SandboxResponse;
    Object.assign(record, settings);
    caller.store.touch(record);
    return undefined;
  },
  remove(caller, record) {
    const { store } = caller;
    // DHCP ports go with the network; any other port keeps it (neutron/db/db_base_plugin_v2.py).
    const blocking = store.portsOf(record.id).filter((p) => p.deviceOwner !== "network:dhcp");
    if (blocking.length > 0) {
      const ids = blocking.map((p) => p.id).join(", ");
      return conflict("NetworkInUse", `Unable to complete operation on network ${record.id}. There are one or more ports still in use on the network, id for these ports is: ${ids}.`);
    }
    for (const p of store.portsOf(record.id)) store.ports.delete(p.id);
    for (const s of store.subnetsOf(record.id)) store.subnets.delete(s.id);
    store.networks.delete(record.id);
    return undefined;
  },
};

// --- internal ---

type Settings = Pick<NetworkRecord, "name" | "description" | "adminStateUp" | "shared" | "external" | "mtu" | "portSecurityEnabled">;

function readSettings(caller: NeutronCaller, fields: Fields, current: Settings): Settings | SandboxResponse {
  const name = text(fields, "name", current.name);
  const description = text(fields, "description", current.description);
  const adminStateUp = flag(fields, "admin_state_up", current.adminStateUp);
  const shared = flag(fields, "shared", current.shared);
  const external = flag(fields, "router:external", current.external);
  const portSecurityEnabled = flag(fields, "port_security_enabled", current.portSecurityEnabled);
  const error = firstError(name, description, adminStateUp, shared, external, portSecurityEnabled);
  if (error !== undefined) return error;
  // Sharing a network and making it external are admin-only (neutron/conf/policies/network.py).
  if (!caller.admin && shared !== current.shared) return policyRefused("create_network and rule:create_network:shared");
  if (!caller.admin && external !== current.external) return policyRefused("create_network and rule:create_network:router:external");
  const mtu = fields["mtu"] ?? current.mtu;
  if (typeof mtu !== "number" || !Number.isInteger(mtu) || mtu < 68) return badRequest(`Invalid input for mtu. Reason: '${String(mtu)}' is too small - must be at least '68'.`);
  return { name, description, adminStateUp, shared, external, mtu, portSecurityEnabled } as Settings;
}
