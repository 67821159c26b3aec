import type { SandboxResponse } from "./http.js";
import { novaError } from "./openstack-errors.js";
import type { ServerRecord } from "./openstack-world.js";

/** Sort keys `GET /servers` accepts (nova/api/openstack/compute/schemas/servers.py). */
const SORT_KEYS = [
  "access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone", "config_drive", "created_at", "display_description",
  "display_name", "host", "hostname", "image_ref", "instance_type_id", "kernel_id", "key_name", "launch_index", "launched_at",
  "locked_by", "node", "power_state", "progress", "project_id", "ramdisk_id", "root_device_name", "task_state", "terminated_at",
  "updated_at", "user_id", "uuid", "vm_state",
];
/** The keys the sandbox models; other valid keys leave the order to the tie-breaks. */
const VALUE: Record<string, (s: ServerRecord) => string | number | null> = {
  uuid: (s) => s.id,
  created_at: (s) => s.createdAt,
  updated_at: (s) => s.updatedAt,
  launched_at: (s) => s.launchedAt,
  display_name: (s) => s.name,
};

/** An order over servers; `compare(a, b) < 0` when `a` is listed first. */
export type ServerOrder = (a: ServerRecord, b: ServerRecord) => number;

/**
 * The order `sort_key`/`sort_dir` ask for; directions default to desc, and ties fall to
 * created_at desc, then uuid asc (the order a real Zed lists settled servers in). Not modelled:
 * a real Nova lists servers that are still building ahead of all others, whatever the order.
 */
export function serverOrder(keys: string[], dirs: string[], admin: boolean): ServerOrder | SandboxResponse {
  const bad = keys.find((k) => !SORT_KEYS.includes(k));
  if (bad !== undefined) return novaError(400, `Invalid input for query parameters sort_key. Value: ${bad}. '${bad}' is not one of [${SORT_KEYS.map((k) => `'${k}'`).join(", ")}]`);
  const adminOnly = keys.find((k) => k === "host" || k === "node");
  if (adminOnly !== undefined && !admin) return novaError(403, `Only administrators can sort servers by ${adminOnly}`);
  if (dirs.some((d) => d !== "asc" && d !== "desc")) return novaError(400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'");
  const steps = keys.map((key, i) => ({ value: VALUE[key], desc: (dirs[i] ?? "desc") === "desc" }));
  steps.push({ value: VALUE["created_at"], desc: true }, { value: VALUE["uuid"], desc: false });
  return (a, b) => {
    for (const { value, desc } of steps) {
      if (value === undefined) continue;
      const [x, y] = [value(a), value(b)];
      if (x === y) continue;
      const ascending = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return desc ? -ascending : ascending;
    }
    return 0;
  };
}
