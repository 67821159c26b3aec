/**
 * Nova's server metadata sub-resource: `GET/PUT/POST /servers/{id}/metadata` (PUT replaces, POST
 * merges) and `GET/PUT/DELETE /servers/{id}/metadata/{key}` (PUT takes exactly one item, under the
 * same key). Writes need vm_state active, paused, suspended or stopped and no task.
 * Source: nova/api/openstack/compute/server_metadata.py and compute/api.py (Zed).
 */
import type { SandboxRequest, SandboxResponse } from "./http.js";
import { novaError, pyStr } from "./openstack-errors.js";
import { vmStateOf } from "./openstack-nova-views.js";
import type { CloudWorld, ServerRecord } from "./openstack-world.js";

const KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;
/** nova/conf/quota.py `metadata_items`. */
const MAX_ITEMS = 128;
const WRITABLE_VM_STATES = new Set(["active", "paused", "suspended", "stopped"]);

/** The metadata routes' handlers, by Nova's controller method names. */
export function metadataHandlers(world: CloudWorld): Record<"index" | "create" | "updateAll" | "show" | "update" | "delete", (req: SandboxRequest) => SandboxResponse> {
  const withServer = (fn: (s: ServerRecord, req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) => {
    const id = req.params["id"] ?? "";
    const s = world.servers.get(id);
    return s === undefined ? novaError(404, `Instance ${id} could not be found.`) : fn(s, req);
  };
  const write = (s: ServerRecord, action: string, metadata: Record<string, string>): SandboxResponse | undefined => {
    const refused = stateConflict(s, action);
    if (refused !== undefined) return refused;
    if (Object.keys(metadata).length > MAX_ITEMS) return novaError(403, `Maximum number of metadata items exceeds ${MAX_ITEMS}`);
    s.metadata = metadata;
    s.updatedAt = world.now();
    return undefined;
  };
  return {
    index: withServer((s) => ({ status: 200, body: { metadata: { ...s.metadata } } })),
    show: withServer((s, req) => {
      const key = req.params["key"] ?? "";
      if (!Object.hasOwn(s.metadata, key)) return notFound();
      return { status: 200, body: { meta: { [key]: s.metadata[key] } } };
    }),
    // POST merges into what is there; PUT replaces it (update_instance_metadata delete=False/True).
    create: withServer((s, req) => {
      const parsed = metadataBody(req.body, "metadata");
      if ("error" in parsed) return parsed.error;
      const merged = { ...s.metadata, ...parsed.items };
      return write(s, "update metadata", merged) ?? { status: 200, body: { metadata: { ...merged } } };
    }),
    updateAll: withServer((s, req) => {
      const parsed = metadataBody(req.body, "metadata");
      if ("error" in parsed) return parsed.error;
      const metadata = parsed.items;
      return write(s, "update metadata", { ...metadata }) ?? { status: 200, body: { metadata: { ...metadata } } };
    }),
    update: withServer((s, req) => {
      const parsed = metadataBody(req.body, "meta");
      if ("error" in parsed) return parsed.error;
      const meta = parsed.items;
      const key = req.params["key"] ?? "";
      if (!Object.hasOwn(meta, key)) return novaError(400, "Request body and URI mismatch");
      return write(s, "update metadata", { ...s.metadata, ...meta }) ?? { status: 200, body: { meta: { ...meta } } };
    }),
    delete: withServer((s, req) => {
      const key = req.params["key"] ?? "";
      if (!Object.hasOwn(s.metadata, key)) return notFound();
      const refused = stateConflict(s, "delete metadata");
      if (refused !== undefined) return refused;
      const { [key]: _gone, ...rest } = s.metadata;
      s.metadata = rest;
      s.updatedAt = world.now();
      return { status: 204 };
    }),
  };
}

// --- internal ---

/** The body's `metadata` (or single-item `meta`) after Nova's schema checks, or its 400. */
function metadataBody(body: unknown, field: "metadata" | "meta"): { items: Record<string, string> } | { error: SandboxResponse } {
  const checked = checkMetadataBody(body, field);
  return "status" in checked ? { error: checked } : { items: checked.items };
}

function checkMetadataBody(body: unknown, field: "metadata" | "meta"): { items: Record<string, string> } | SandboxResponse {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return novaError(400, `${pyStr(body ?? null, true)} is not of type 'object'`);
  const root = body as Record<string, unknown>;
  const extra = Object.keys(root).find((k) => k !== field);
  if (extra !== undefined && field in root) return novaError(400, `Additional properties are not allowed ('${extra}' was unexpected)`);
  if (!(field in root)) return novaError(400, `'${field}' is a required property`);
  const value = root[field];
  const invalid = (attr: string, v: unknown, problem: string) => novaError(400, `Invalid input for field/attribute ${attr}. Value: ${pyStr(v)}. ${problem}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return invalid(field, value, `${pyStr(value, true)} is not of type 'object'`);
  const items = value as Record<string, unknown>;
  const count = Object.keys(items).length;
  if (field === "meta" && count > 1) return invalid(field, items, `${pyStr(items, true)} has too many properties`);
  if (field === "meta" && count < 1) return invalid(field, items, `${pyStr(items, true)} does not have enough properties`);
  for (const [k, v] of Object.entries(items)) {
    if (!KEY.test(k)) return invalid(field, items, `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof v !== "string") return invalid(k, v, `${pyStr(v, true)} is not of type 'string'`);
    if (v.length > 255) return invalid(k, v, `'${v}' is too long`);
  }
  return { items: items as Record<string, string> };
}

/** check_instance_state, worded by raise_http_conflict_for_instance_invalid_state. */
function stateConflict(s: ServerRecord, action: string): SandboxResponse | undefined {
  const vmState = vmStateOf(s);
  if (!WRITABLE_VM_STATES.has(vmState)) return novaError(409, `Cannot '${action}' instance ${s.id} while it is in vm_state ${vmState}`);
  if (s.taskState !== null) return novaError(409, `Cannot '${action}' instance ${s.id} while it is in task_state ${s.taskState}`);
  return undefined;
}

function notFound(): SandboxResponse {
  return novaError(404, "Metadata item was not found");
}
