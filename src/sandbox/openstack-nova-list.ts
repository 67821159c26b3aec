import type { SandboxRequest, SandboxResponse } from "./http.js";
import { novaError } from "./openstack-errors.js";
import { isAdmin } from "./openstack-keystone.js";
import type { NovaContext } from "./openstack-nova-context.js";
import { serverOrder } from "./openstack-nova-sort.js";
import { novaLinks, serverView } from "./openstack-nova-views.js";
import type { CloudWorld } from "./openstack-world.js";

/** nova/conf/api.py `max_limit`. */
const MAX_LIMIT = 1000;

/** Statuses Nova knows (nova/api/openstack/common.py `_STATE_MAP`); others are 400 from 2.38. */
const KNOWN_STATUSES = new Set([
  "ACTIVE", "BUILD", "ERROR", "SHUTOFF", "DELETED", "SOFT_DELETED", "REBOOT", "HARD_REBOOT", "REBUILD", "RESIZE",
  "VERIFY_RESIZE", "REVERT_RESIZE", "CONFIRMING_RESIZE", "MIGRATING", "PAUSED", "SUSPENDED", "RESCUE", "PASSWORD",
  "SHELVED", "SHELVED_OFFLOADED", "UNKNOWN",
]);

/** Query parameters the list accepts; from 2.75 anything else is a 400. Admin-only ones are accepted and ignored. */
const KNOWN_PARAMS = new Set([
  "name", "status", "limit", "marker", "tags", "tags-any", "not-tags", "not-tags-any", "changes-since", "changes-before",
  "reservation_id", "image", "flavor", "ip", "ip6", "sort_key", "sort_dir", "all_tenants", "deleted", "host", "node",
  "user_id", "project_id", "tenant_id", "uuid", "key_name", "locked", "config_drive", "description", "hostname",
  "availability_zone", "created_at", "launched_at", "terminated_at", "power_state", "task_state", "vm_state", "progress",
  "access_ip_v4", "access_ip_v6", "root_device_name", "kernel_id", "ramdisk_id", "launch_index", "display_name",
  "display_description", "locked_by", "instance_type_id", "soft_deleted", "block_device_mapping", "auto_disk_config",
]);

/** `GET /servers` and `/servers/detail`: Nova's filters and order (newest first by default), `limit`/`marker` pages with a next link. */
export function listServers(world: CloudWorld, req: SandboxRequest, ctx: NovaContext, detail: boolean): SandboxResponse {
  const q = req.query;
  if (ctx.mv >= 75) {
    const unknown = [...q.keys()].find((k) => !KNOWN_PARAMS.has(k));
    if (unknown !== undefined) {
      // The query schema's patternProperties ('^_') make jsonschema word it so (seen on Zed).
      return novaError(400, `'${unknown}' does not match any of the regexes: '^_'`);
    }
  }
  const limitText = q.get("limit");
  let limit = MAX_LIMIT;
  if (limitText !== null) {
    if (!/^\d+$/.test(limitText)) return novaError(400, "limit param must be an integer");
    limit = Math.min(MAX_LIMIT, Number(limitText) || MAX_LIMIT);
  }
  const statuses = q.getAll("status").map((s) => s.toUpperCase());
  if (ctx.mv >= 38 && statuses.some((s) => !KNOWN_STATUSES.has(s))) return novaError(400, "Invalid status value");
  let pattern: RegExp | undefined;
  const name = q.get("name");
  try {
    // Nova matches `name` as a regular expression (re.search), not exactly.
    pattern = name === null ? undefined : new RegExp(name);
  } catch {
    pattern = /(?!)/; // an invalid pattern matches nothing
  }
  const tagsAll = splitTags(q.get("tags"));
  const tagsAny = splitTags(q.get("tags-any"));
  const notAll = splitTags(q.get("not-tags"));
  const notAny = splitTags(q.get("not-tags-any"));
  const since = q.get("changes-since");
  const sinceMs = since === null ? undefined : Date.parse(since);
  if (sinceMs !== undefined && Number.isNaN(sinceMs)) return novaError(400, `Invalid input for query parameters changes-since. Value: ${since ?? ""}. '${since ?? ""}' is not a 'date-time'`);
  const order = serverOrder(q.getAll("sort_key"), q.getAll("sort_dir"), isAdmin(ctx.token));
  if (typeof order !== "function") return order;
  const owned = [...world.servers.values()].filter((s) => s.projectId === ctx.token.projectId).sort(order);
  const matching = owned.filter(
    (s) =>
      (pattern === undefined || pattern.test(s.name)) &&
      (statuses.length === 0 || statuses.includes(s.status)) &&
      tagsAll.every((t) => s.tags.includes(t)) &&
      (tagsAny.length === 0 || tagsAny.some((t) => s.tags.includes(t))) &&
      (notAll.length === 0 || !notAll.every((t) => s.tags.includes(t))) &&
      !notAny.some((t) => s.tags.includes(t)) &&
      (sinceMs === undefined || s.updatedAt >= sinceMs) &&
      (q.get("image") === null || s.imageId === q.get("image")) &&
      (q.get("flavor") === null || s.flavorId === q.get("flavor")),
  );
  let start = matching;
  const marker = q.get("marker");
  if (marker !== null) {
    const m = world.servers.get(marker);
    if (m === undefined) return novaError(400, `marker [${marker}] not found`);
    start = matching.filter((s) => order(m, s) < 0);
  }
  const page = start.slice(0, limit);
  const body: Record<string, unknown> = {
    servers: page.map((s) => (detail ? serverView(s, ctx) : { id: s.id, name: s.name, links: novaLinks(ctx.base, "servers", s.id) })),
  };
  // Like Nova, a full page always gets a next link, even when nothing follows it.
  const last = page.at(-1);
  if (last !== undefined && page.length >= limit) {
    const params = new URLSearchParams(q);
    params.set("marker", last.id);
    body["servers_links"] = [{ rel: "next", href: `${ctx.base}/compute/v2.1/servers${detail ? "/detail" : ""}?${params.toString()}` }];
  }
  return { status: 200, body };
}

// --- internal ---

function splitTags(value: string | null): string[] {
  return value === null || value === "" ? [] : value.split(",");
}
