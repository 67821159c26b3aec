/**
 * Nova's `GET /limits`: the project's absolute limits (its quota) and usage, counted from the
 * servers the sandbox holds and their flavors, with no rate limits (`rate: []` since Newton).
 * Source: nova/api/openstack/compute/limits.py and views/limits.py (Zed).
 */
import type { SandboxRequest, SandboxResponse } from "./http.js";
import { novaError } from "./openstack-errors.js";
import { isAdmin } from "./openstack-keystone.js";
import type { NovaContext } from "./openstack-nova-context.js";
import { FIXED_QUOTA } from "./openstack-nova-quota.js";
import { FLAVORS } from "./openstack-seed.js";
import type { CloudWorld } from "./openstack-world.js";

/** The quota of `injected_files` and its content size, shown until 2.57 removed personality files. */
const PERSONALITY = { files: 5, bytes: 10240 };

/** `GET /limits` (`?tenant_id=` for admins): limits and usage at the request's microversion. */
export function showLimits(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): SandboxResponse {
  const { mv } = ctx;
  if (mv >= 75) {
    const unknown = [...req.query.keys()].find((k) => k !== "tenant_id");
    if (unknown !== undefined) return novaError(400, `Additional properties are not allowed ('${unknown}' was unexpected)`);
  }
  let project = ctx.token.projectId ?? "";
  const asked = req.query.get("tenant_id");
  if (asked !== null) {
    if (!isAdmin(ctx.token)) return novaError(403, "Policy doesn't allow os_compute_api:limits:other_project to be performed.");
    project = asked;
  }
  const servers = [...world.servers.values()].filter((s) => s.projectId === project);
  const flavors = servers.map((s) => FLAVORS.find((f) => f.id === s.flavorId));
  const instances = world.quota.instances === Number.MAX_SAFE_INTEGER ? -1 : world.quota.instances;
  // Key order as Nova builds the view; 2.36 drops the network proxies, 2.39 image metadata, 2.57 personality.
  const absolute: Record<string, number> = {
    maxTotalInstances: instances,
    maxTotalCores: FIXED_QUOTA.cores,
    maxTotalRAMSize: FIXED_QUOTA.ram,
    maxServerMeta: FIXED_QUOTA.metadata_items,
    ...(mv < 39 ? { maxImageMeta: FIXED_QUOTA.metadata_items } : {}),
    ...(mv < 57 ? { maxPersonality: PERSONALITY.files, maxPersonalitySize: PERSONALITY.bytes } : {}),
    maxTotalKeypairs: FIXED_QUOTA.key_pairs,
    maxServerGroups: FIXED_QUOTA.server_groups,
    maxServerGroupMembers: FIXED_QUOTA.server_group_members,
    // Neutron owns these; Nova shows them unlimited.
    ...(mv < 36 ? { maxTotalFloatingIps: -1, maxSecurityGroups: -1, maxSecurityGroupRules: -1 } : {}),
    totalRAMUsed: flavors.reduce((sum, f) => sum + (f?.ram ?? 0), 0),
    totalCoresUsed: flavors.reduce((sum, f) => sum + (f?.vcpus ?? 0), 0),
    totalInstancesUsed: servers.length,
    ...(mv < 36 ? { totalFloatingIpsUsed: 0, totalSecurityGroupsUsed: 0 } : {}),
    totalServerGroupsUsed: 0,
  };
  return { status: 200, body: { limits: { rate: [], absolute } } };
}
