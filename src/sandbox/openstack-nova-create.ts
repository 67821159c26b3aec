import type { SandboxResponse } from "./http.js";
import { novaError, pyStr } from "./openstack-errors.js";
import { FLAVORS, IMAGES, NETWORK, SECURITY_GROUP } from "./openstack-seed.js";
import type { ServerInput } from "./openstack-world.js";
import type { Microversion } from "./openstack-nova-context.js";

/** Server keys `POST /servers` accepts, with the microversion range each is valid in (schemas/servers.py). */
const SERVER_KEYS: Record<string, [number, number]> = {
  name: [1, 999], imageRef: [1, 999], flavorRef: [1, 999], adminPass: [1, 999], metadata: [1, 999], networks: [1, 999],
  "OS-DCF:diskConfig": [1, 999], accessIPv4: [1, 999], accessIPv6: [1, 999], personality: [1, 56],
  availability_zone: [1, 999], block_device_mapping: [1, 999], block_device_mapping_v2: [1, 999], config_drive: [1, 999],
  key_name: [1, 999], min_count: [1, 999], max_count: [1, 999], return_reservation_id: [1, 999], security_groups: [1, 999],
  user_data: [1, 999], description: [19, 999], tags: [52, 999], trusted_image_certificates: [63, 999], host: [74, 999],
  hypervisor_hostname: [74, 999], hostname: [90, 999],
};
const TOP_KEYS = new Set(["server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"]);
const NETWORK_KEYS = new Set(["uuid", "port", "fixed_ip", "tag"]);
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const METADATA_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BOOLEANS = new Set([true, false, "true", "false", "True", "False", "1", "0", "yes", "no", "on", "off"]);
const MAX_METADATA_ITEMS = 128;

/** What Nova asks Neutron while validating a create (the world's NeutronStore answers). */
export interface NetworkLookup {
  networkOf(id: string): { id: string; name: string; subnets: number } | undefined;
  groupNameOf(ref: string, projectId: string): string | undefined;
}

/** Validates a create body the way Nova does; returns the server to create or Nova's error. */
export function validateCreate(body: unknown, mv: Microversion, owner: { projectId: string; userId: string }, neutron: NetworkLookup): ServerInput | SandboxResponse {
  if (!isObject(body)) return invalid("server", body, "None is not of type 'object'");
  const extraTop = Object.keys(body).find((k) => !TOP_KEYS.has(k));
  if (extraTop !== undefined) return invalid("root", body, `Additional properties are not allowed ('${extraTop}' was unexpected)`);
  const server = body["server"];
  if (!isObject(server)) return invalid("server", server, "'server' is a required property");
  const extra = Object.keys(server).find((k) => {
    const range = SERVER_KEYS[k];
    return range === undefined || mv < range[0] || mv > range[1];
  });
  if (extra !== undefined) return invalid("server", server, `Additional properties are not allowed ('${extra}' was unexpected)`);
  for (const key of mv >= 37 ? ["name", "flavorRef", "networks"] : ["name", "flavorRef"]) {
    if (!(key in server)) return invalid("server", server, `'${key}' is a required property`);
  }
  const { name, flavorRef, imageRef, networks, metadata = {}, user_data: userData, security_groups: groups = [] } = server;
  if (typeof name !== "string" || name.length < 1 || name.length > 255 || name.trim() !== name) {
    return invalid("name", name, "is not a valid name (1-255 characters, no leading or trailing whitespace)");
  }
  if (typeof flavorRef !== "string" && typeof flavorRef !== "number") return invalid("flavorRef", flavorRef, "is not of type 'string', 'integer'");
  if (imageRef !== undefined && (typeof imageRef !== "string" || (imageRef !== "" && !UUID.test(imageRef)))) {
    return invalid("imageRef", imageRef, "is not a 'uuid'");
  }
  const nets = checkNetworks(networks);
  if (!Array.isArray(nets)) return nets;
  if (!isObject(metadata)) return invalid("metadata", metadata, "is not of type 'object'");
  for (const [k, v] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(k)) return invalid("metadata", metadata, `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof v !== "string" || v.length > 255) return invalid("metadata", metadata, `${JSON.stringify(v)} is not a string of at most 255 characters`);
  }
  if (userData !== undefined && userData !== null) {
    if (typeof userData !== "string" || userData.length > 65535) return invalid("user_data", "…", "is too long or not a string (at most 65535 characters)");
    if (!BASE64.test(userData)) return invalid("user_data", userData.slice(0, 40), "is not a 'base64'");
  }
  if (!Array.isArray(groups) || !groups.every((g) => isObject(g) && typeof g["name"] === "string")) {
    return invalid("security_groups", groups, "is not an array of {'name': <string>}");
  }
  const tags = server["tags"] ?? [];
  if (!Array.isArray(tags) || tags.length > 50 || !tags.every((t) => typeof t === "string" && /^[^,/]{1,60}$/.test(t))) {
    return invalid("tags", tags, "is not a list of at most 50 tags of 1-60 characters without '/' or ','");
  }
  const configDrive = server["config_drive"] ?? false;
  if (!BOOLEANS.has(configDrive as string)) return invalid("config_drive", configDrive, "is not a 'boolean'");
  const keyName = server["key_name"] ?? null;
  if (keyName !== null && typeof keyName !== "string") return invalid("key_name", keyName, "is not of type 'string'");
  const description = server["description"] ?? null;

  // Semantic checks, after the schema, in the order nova/api/openstack/compute/servers.py does them.
  if (Object.keys(metadata).length > MAX_METADATA_ITEMS) return novaError(403, `Maximum number of metadata items exceeds ${MAX_METADATA_ITEMS}`);
  if (!FLAVORS.some((f) => f.id === String(flavorRef))) return novaError(400, "Invalid flavorRef provided.");
  if (imageRef === undefined || imageRef === "") return novaError(400, "Missing imageRef attribute");
  if (!IMAGES.some((i) => i.id === imageRef)) return novaError(400, `Image ${String(imageRef)} could not be found.`);
  const wrongNet = nets.find((n) => neutron.networkOf(n) === undefined);
  if (wrongNet !== undefined) return novaError(400, `Network ${wrongNet} could not be found.`);
  const bare = nets.find((n) => neutron.networkOf(n)?.subnets === 0);
  if (bare !== undefined) return novaError(400, `Network ${bare} requires a subnet in order to boot instances on.`);
  const sgNames = (groups as { name: string }[]).map((g) => g.name);
  const wrongSg = sgNames.find((g) => neutron.groupNameOf(g, owner.projectId) === undefined);
  if (wrongSg !== undefined) return novaError(400, `Security group ${wrongSg} not found for project ${owner.projectId}.`);
  return {
    ...owner,
    name,
    flavorId: String(flavorRef),
    imageId: imageRef as string,
    networks: nets.map((n) => ({ id: n, name: neutron.networkOf(n)?.name ?? n })),
    securityGroups: sgNames.length === 0 ? [SECURITY_GROUP.name] : sgNames.map((g) => neutron.groupNameOf(g, owner.projectId) ?? g),
    keyName,
    metadata: metadata as Record<string, string>,
    tags: tags as string[],
    userData: typeof userData === "string" ? userData : null,
    configDrive: ["true", "True", "1", "yes", "on", true].includes(configDrive as string),
    description: typeof description === "string" ? description : null,
  };
}

// --- internal ---

/** The network ids a `networks` value asks for: "auto" means the project's network, "none" none. */
function checkNetworks(networks: unknown): string[] | SandboxResponse {
  if (networks === undefined || networks === "auto") return [NETWORK.id];
  if (networks === "none") return [];
  if (!Array.isArray(networks)) return invalid("networks", networks, "is not valid under any of the given schemas");
  const ids: string[] = [];
  for (const n of networks) {
    if (!isObject(n)) return invalid("networks", networks, "is not valid under any of the given schemas");
    const extra = Object.keys(n).find((k) => !NETWORK_KEYS.has(k));
    if (extra !== undefined) return invalid("networks", networks, `Additional properties are not allowed ('${extra}' was unexpected)`);
    if (n["port"] !== undefined) return novaError(400, `Port id ${String(n["port"])} could not be found.`);
    if (typeof n["uuid"] !== "string" || !UUID.test(n["uuid"])) return novaError(400, `Bad networks format: network uuid is not in proper format (${String(n["uuid"])})`);
    ids.push(n["uuid"]);
  }
  return ids;
}

function invalid(field: string, value: unknown, problem: string): SandboxResponse {
  return novaError(400, `Invalid input for field/attribute ${field}. Value: ${pyStr(value)}. ${problem}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
