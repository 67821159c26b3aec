/** Neutron security groups: two default egress rules on create, and deletes that refuse while ports use them. */
import type { ResourceKind } from "./neutron-crud.js";
import { conflict } from "./neutron-errors.js";
import { firstError, flag, ownerOf, strings, text } from "./neutron-input.js";
import type { NeutronStore } from "./neutron-store.js";
import type { SecurityGroupRecord } from "./neutron-types.js";
import { groupView } from "./neutron-views.js";
import { neutronError } from "./openstack-errors.js";

const ATTRIBUTES = [
  "id", "name", "stateful", "tenant_id", "description", "shared", "security_group_rules", "tags", "created_at", "updated_at",
  "revision_number", "project_id",
] as const;

/** The `security-groups` collection. */
export const SECURITY_GROUPS: ResourceKind<SecurityGroupRecord> = {
  kind: "security_group",
  one: "security_group",
  path: "security-groups",
  attributes: ATTRIBUTES,
  createKeys: ["name", "description", "stateful", "tenant_id", "project_id", "tags"],
  updateKeys: ["name", "description", "stateful"],
  items: (store) => store.groups,
  view: groupView,
  create(caller, fields) {
    const projectId = ownerOf(fields, caller);
    const name = text(fields, "name", "");
    const description = text(fields, "description", "");
    const stateful = flag(fields, "stateful", true);
    const tags = strings(fields, "tags");
    const error = firstError(projectId, name, description, stateful, tags);
    if (error !== undefined) return error;
    if (name === "default" && caller.store.defaultGroupId(projectId as string) !== undefined) {
      return neutronError(409, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.");
    }
    const record: SecurityGroupRecord = {
      ...caller.store.standard({ name: name as string, description: description as string, projectId: projectId as string, tags: (tags as string[] | undefined) ?? [] }, 1),
      stateful: stateful as boolean,
    };
    caller.store.groups.set(record.id, record);
    addDefaultEgress(caller.store, record);
    return record;
  },
  update(caller, record, fields) {
    const name = text(fields, "name", record.name);
    const description = text(fields, "description", record.description);
    const stateful = flag(fields, "stateful", record.stateful);
    const error = firstError(name, description, stateful);
    if (error !== undefined) return error;
    if (record.name === "default" && name !== "default") return neutronError(409, "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.");
    Object.assign(record, { name, description, stateful });
    caller.store.touch(record);
    return undefined;
  },
  remove(caller, record) {
    const { store } = caller;
    if (record.name === "default" && !caller.admin) return conflict("SecurityGroupCannotRemoveDefault", "Insufficient rights for removing default security group.");
    if ([...store.ports.values()].some((p) => p.securityGroups.includes(record.id))) return conflict("SecurityGroupInUse", `Security Group ${record.id} in use.`);
    for (const r of [...store.rules.values()]) {
      // Rules of this group go with it; rules elsewhere that name it as their remote group too.
      if (r.securityGroupId === record.id || r.remoteGroupId === record.id) store.rules.delete(r.id);
    }
    store.groups.delete(record.id);
    return undefined;
  },
};

// --- internal ---

/** A new group allows all egress, IPv4 and IPv6, and nothing in (neutron/db/securitygroups_db.py). */
function addDefaultEgress(store: NeutronStore, group: SecurityGroupRecord): void {
  for (const ethertype of ["IPv4", "IPv6"] as const) {
    const t = store.now();
    const { id } = store.standard({ projectId: group.projectId });
    store.rules.set(id, {
      id, securityGroupId: group.id, projectId: group.projectId, direction: "egress", ethertype, protocol: null, portRangeMin: null,
      portRangeMax: null, remoteIpPrefix: null, remoteGroupId: null, description: null, standardAttrId: store.standardAttrId(), createdAt: t, updatedAt: t,
    });
  }
}
