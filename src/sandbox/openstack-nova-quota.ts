import type { SandboxRequest, SandboxResponse } from "./http.js";
import { novaError } from "./openstack-errors.js";
import { isAdmin } from "./openstack-keystone.js";
import type { NovaContext } from "./openstack-nova-context.js";
import type { CloudWorld } from "./openstack-world.js";

/**
 * Nova's default limits for what the sandbox does not enforce (nova/conf/quota.py); keys as of
 * 2.57 (network quotas went at 2.36, injected files at 2.57). Also what `GET /limits` reports.
 */
export const FIXED_QUOTA = { cores: 20, ram: 51200, key_pairs: 100, metadata_items: 128, server_groups: 10, server_group_members: 10 };
const KEYS = new Set([...Object.keys(FIXED_QUOTA), "instances", "force"]);

/** `GET /os-quota-sets/{project_id}`: the project's own quota (or any, for admin). */
export function showQuota(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): SandboxResponse {
  const project = req.params["project_id"] ?? "";
  if (project !== ctx.token.projectId && !isAdmin(ctx.token)) {
    return novaError(403, "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
  }
  return { status: 200, body: { quota_set: { id: project, instances: shown(world.quota.instances), ...FIXED_QUOTA } } };
}

/** Admin `PUT /os-quota-sets/{project_id}`; only `instances` is enforced by the sandbox. */
export function updateQuota(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): SandboxResponse {
  if (!isAdmin(ctx.token)) return novaError(403, "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.");
  const set = typeof req.body === "object" && req.body !== null ? (req.body as Record<string, unknown>)["quota_set"] : undefined;
  if (typeof set !== "object" || set === null) return novaError(400, "Invalid input for field/attribute quota_set. Value: None. 'quota_set' is a required property");
  const values = set as Record<string, unknown>;
  const extra = Object.keys(values).find((k) => !KEYS.has(k));
  if (extra !== undefined) return novaError(400, `Invalid input for field/attribute quota_set. Additional properties are not allowed ('${extra}' was unexpected)`);
  const instances = values["instances"];
  if (instances !== undefined) {
    if (typeof instances !== "number" || !Number.isInteger(instances) || instances < -1) {
      return novaError(400, `Invalid input for field/attribute instances. Value: ${JSON.stringify(instances)}. Must be an integer >= -1`);
    }
    const used = [...world.servers.values()].filter((s) => s.projectId === req.params["project_id"]).length;
    // Without force, Nova refuses a limit below what is in use (quota_sets.py _validate_quota_limit).
    if (values["force"] !== true && instances !== -1 && instances < used) {
      return novaError(400, `Quota limit ${instances} for instances must be greater than or equal to already used and reserved ${used}.`);
    }
    world.quota = { instances: instances === -1 ? Number.MAX_SAFE_INTEGER : instances };
  }
  return { status: 200, body: { quota_set: { instances: shown(world.quota.instances), ...FIXED_QUOTA } } };
}

function shown(limit: number): number {
  return limit === Number.MAX_SAFE_INTEGER ? -1 : limit;
}
