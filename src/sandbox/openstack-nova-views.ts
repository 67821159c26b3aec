import { createHash } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "./http.js";
import { novaError } from "./openstack-errors.js";
import { isAdmin } from "./openstack-keystone.js";
import type { Microversion, NovaContext } from "./openstack-nova-context.js";
import { FLAVORS, type SeedFlavor, isoMicros, isoSeconds } from "./openstack-seed.js";
import type { ServerRecord } from "./openstack-world.js";

/**
 * The microversion a request asks for: `OpenStack-API-Version: compute 2.X` (2.27+) or the legacy
 * `X-OpenStack-Nova-API-Version`; none means the minimum, 2.1 (nova api_version_request.py).
 */
export function requestedMicroversion(req: SandboxRequest, max: Microversion): Microversion | SandboxResponse {
  const modern = req.headers["openstack-api-version"];
  const legacy = req.headers["x-openstack-nova-api-version"];
  let asked: string | undefined;
  if (typeof modern === "string") asked = /(?:^|,)\s*compute\s+(\S+)/i.exec(modern)?.[1];
  if (asked === undefined && typeof legacy === "string") asked = legacy.trim();
  if (asked === undefined) return 1;
  if (asked.toLowerCase() === "latest") return max;
  const m = /^2\.(0|[1-9]\d*)$/.exec(asked);
  if (m?.[1] === undefined) return novaError(400, `API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`);
  const minor = Number(m[1]);
  if (minor < 1 || minor > max) {
    return novaError(406, `Version ${asked} is not supported by the API. Minimum is 2.1 and maximum is 2.${max}.`);
  }
  return minor;
}

/** The headers every microversioned Nova response echoes. */
export function microversionHeaders(mv: Microversion): Record<string, string> {
  return {
    "openstack-api-version": `compute 2.${mv}`,
    "x-openstack-nova-api-version": `2.${mv}`,
    vary: "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
  };
}

const VM_STATE = { BUILD: "building", ACTIVE: "active", ERROR: "error", SHUTOFF: "stopped" } as const;
const POWER_STATE = { BUILD: 0, ACTIVE: 1, ERROR: 0, SHUTOFF: 4 } as const;
/** The one simulated compute host. */
const HOST = "compute-1";

/** Nova's `vm_state` of a server (`OS-EXT-STS:vm_state`). */
export function vmStateOf(s: ServerRecord): string {
  return VM_STATE[s.status];
}

/** Self and bookmark links of a compute resource. */
export function novaLinks(base: string, collection: string, id: string): unknown[] {
  return [
    { rel: "self", href: `${base}/compute/v2.1/${collection}/${id}` },
    { rel: "bookmark", href: `${base}/compute/${collection}/${id}` },
  ];
}

/** A server as `GET /servers/{id}` shows it to `ctx`'s token at its microversion (api_samples servers/v2.9x). */
export function serverView(s: ServerRecord, ctx: NovaContext): Record<string, unknown> {
  const { mv, base } = ctx;
  // A server gets its host when scheduled; one that failed scheduling never has one.
  const hosted = s.launchedAt !== null;
  const flavor = FLAVORS.find((f) => f.id === s.flavorId);
  const addresses: Record<string, unknown[]> = {};
  for (const p of s.ports) {
    (addresses[p.networkName] ??= []).push({ version: 4, addr: p.addr, "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": p.mac });
  }
  const view: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: { ...s.metadata },
    hostId: hosted ? createHash("sha224").update(`${s.projectId}${HOST}`).digest("hex") : "",
    image: { id: s.imageId, links: [{ rel: "bookmark", href: `${base}/compute/images/${s.imageId}` }] },
    flavor:
      // 2.47 embeds the flavor instead of linking to it.
      mv >= 47
        ? { vcpus: flavor?.vcpus ?? 0, ram: flavor?.ram ?? 0, disk: flavor?.disk ?? 0, ephemeral: 0, swap: 0, original_name: flavor?.name ?? s.flavorId, extra_specs: {} }
        : { id: s.flavorId, links: [{ rel: "bookmark", href: `${base}/compute/flavors/${s.flavorId}` }] },
    created: isoSeconds(s.createdAt),
    updated: isoSeconds(s.updatedAt),
    addresses,
    accessIPv4: "",
    accessIPv6: "",
    links: novaLinks(base, "servers", s.id),
    "OS-DCF:diskConfig": "MANUAL",
    progress: 0,
    "OS-EXT-AZ:availability_zone": s.status === "BUILD" ? "" : "nova",
    config_drive: s.configDrive ? "True" : "",
    key_name: s.keyName,
    // Nova's database keeps whole seconds (MySQL DATETIME), printed with six zero digits.
    "OS-SRV-USG:launched_at": s.launchedAt === null ? null : isoMicros(Math.floor(s.launchedAt / 1000) * 1000),
    "OS-SRV-USG:terminated_at": null,
    "OS-EXT-STS:task_state": s.taskState,
    "OS-EXT-STS:vm_state": VM_STATE[s.status],
    "OS-EXT-STS:power_state": POWER_STATE[s.status],
    "os-extended-volumes:volumes_attached": [],
  };
  // A server without ports has no security_groups key at all (mini-openstack §9).
  if (s.securityGroups !== null) view["security_groups"] = s.securityGroups.map((name) => ({ name }));
  if (s.fault !== null) view["fault"] = { code: s.fault.code, created: isoSeconds(s.fault.created), message: s.fault.message };
  if (mv >= 9) view["locked"] = false;
  if (mv >= 19) view["description"] = s.description;
  if (mv >= 26) view["tags"] = [...s.tags];
  if (mv >= 63) view["trusted_image_certificates"] = null;
  if (mv >= 71) view["server_groups"] = [];
  if (mv >= 73) view["locked_reason"] = null;
  // 2.90 shows the hostname to everyone (before, only admins saw it).
  if (mv >= 90) view["OS-EXT-SRV-ATTR:hostname"] = hostnameOf(s.name);
  if (isAdmin(ctx.token)) Object.assign(view, adminFields(s, mv, hosted));
  return view;
}

/** The `OS-EXT-SRV-ATTR:*` fields only admins see (extended_server_attributes policy). */
function adminFields(s: ServerRecord, mv: Microversion, hosted: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    "OS-EXT-SRV-ATTR:host": hosted ? HOST : null,
    "OS-EXT-SRV-ATTR:hypervisor_hostname": hosted ? HOST : null,
    "OS-EXT-SRV-ATTR:instance_name": `instance-${s.id.slice(0, 8)}`,
  };
  if (mv >= 3) {
    Object.assign(fields, {
      "OS-EXT-SRV-ATTR:reservation_id": `r-${s.id.slice(0, 8)}`,
      "OS-EXT-SRV-ATTR:launch_index": 0,
      "OS-EXT-SRV-ATTR:hostname": hostnameOf(s.name),
      "OS-EXT-SRV-ATTR:kernel_id": "",
      "OS-EXT-SRV-ATTR:ramdisk_id": "",
      "OS-EXT-SRV-ATTR:root_device_name": hosted ? "/dev/vda" : null,
      "OS-EXT-SRV-ATTR:user_data": s.userData,
    });
  }
  if (mv >= 16) fields["host_status"] = hosted ? "UP" : "";
  return fields;
}

/** nova.utils.sanitize_hostname, simplified: lower case, runs of other characters become one dash. */
function hostnameOf(name: string): string {
  return name.toLowerCase().replace(/[ _]/g, "-").replace(/[^a-z0-9.-]+/g, "").replace(/^[.-]+|[.-]+$/g, "").slice(0, 63) || "server";
}

/** A flavor as `GET /flavors/detail` shows it. */
export function flavorView(f: SeedFlavor, mv: Microversion, base: string, detail: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { id: f.id, name: f.name, links: novaLinks(base, "flavors", f.id) };
  if (mv >= 55) view["description"] = null;
  if (!detail) return view;
  Object.assign(view, {
    ram: f.ram,
    disk: f.disk,
    vcpus: f.vcpus,
    "OS-FLV-EXT-DATA:ephemeral": 0,
    "OS-FLV-DISABLED:disabled": false,
    swap: mv >= 75 ? 0 : "",
    rxtx_factor: 1.0,
    "os-flavor-access:is_public": true,
  });
  if (mv >= 61) view["extra_specs"] = {};
  return view;
}
