/** Attribute validation shared by the Neutron resources (neutron-lib api/validators, messages as Zed prints them). */
import type { SandboxResponse } from "./http.js";
import { badRequest } from "./neutron-errors.js";
import type { Fields } from "./neutron-crud.js";

const TRUE = new Set([true, "true", "True", "1", 1]);
const FALSE = new Set([false, "false", "False", "0", 0]);

/** Python's repr of a value, as the validators quote it. */
function repr(v: unknown): string {
  return typeof v === "string" ? `'${v}'` : JSON.stringify(v);
}

/** A string attribute of at most `max` characters (default when absent). */
export function text(fields: Fields, key: string, fallback: string, max = 255): string | SandboxResponse {
  const v = fields[key];
  if (v === undefined) return fallback;
  if (typeof v !== "string") return badRequest(`Invalid input for ${key}. Reason: ${repr(v)} is not a valid string.`);
  if (v.length > max) return badRequest(`Invalid input for ${key}. Reason: '${v}' exceeds maximum length of ${max}.`);
  return v;
}

/** A boolean attribute (neutron-lib convert_to_boolean accepts "true", 1 and the like). */
export function flag(fields: Fields, key: string, fallback: boolean): boolean | SandboxResponse {
  const v = fields[key];
  if (v === undefined) return fallback;
  if (TRUE.has(v as string)) return true;
  if (FALSE.has(v as string)) return false;
  return badRequest(`Invalid input for ${key}. Reason: ${repr(v)} cannot be converted to boolean.`);
}

/** A list of strings (tags, security group ids, DNS servers). */
export function strings(fields: Fields, key: string): string[] | undefined | SandboxResponse {
  const v = fields[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) return badRequest(`Invalid input for ${key}. Reason: ${repr(v)} is not a list.`);
  return v as string[];
}

/** The project a new resource belongs to: the caller's, or (admins only) the one named by project_id/tenant_id. */
export function ownerOf(fields: Fields, caller: { projectId: string; admin: boolean }): string | SandboxResponse {
  const asked = fields["project_id"] ?? fields["tenant_id"];
  if (asked === undefined || asked === caller.projectId) return caller.projectId;
  if (!caller.admin) return badRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges");
  return String(asked);
}

/** Collects the first error of several validated values, else the values. */
export function firstError<T extends unknown[]>(...values: T): SandboxResponse | undefined {
  return values.find((v): v is SandboxResponse => typeof v === "object" && v !== null && !Array.isArray(v) && "status" in v && typeof v.status === "number");
}
