/** Neutron's error answers, worded as Zed words them (neutron-lib exceptions, recorded on the test cloud). */
import type { SandboxResponse } from "./http.js";
import { neutronError } from "./openstack-errors.js";

/** The resource kinds whose 404s the sandbox words. */
export type NeutronKind = "network" | "subnet" | "port" | "security_group" | "security_group_rule" | "router";

const NOT_FOUND: Record<NeutronKind, [string, (id: string) => string]> = {
  network: ["NetworkNotFound", (id) => `Network ${id} could not be found.`],
  subnet: ["SubnetNotFound", (id) => `Subnet ${id} could not be found.`],
  port: ["PortNotFound", (id) => `Port ${id} could not be found.`],
  security_group: ["SecurityGroupNotFound", (id) => `Security group ${id} does not exist`],
  security_group_rule: ["SecurityGroupRuleNotFound", (id) => `Security group rule ${id} does not exist`],
  router: ["RouterNotFound", (id) => `Router ${id} could not be found`],
};

/** `<Kind>NotFound` (404). */
export function notFound(kind: NeutronKind, id: string): SandboxResponse {
  const [type, message] = NOT_FOUND[kind];
  return neutronError(404, type, message(id));
}

/** A 400 from the API layer's attribute validation (`HTTPBadRequest`). */
export function badRequest(message: string): SandboxResponse {
  return neutronError(400, "HTTPBadRequest", message);
}

/** A 400 `InvalidInput` from the plugin ("Invalid input for operation: …"). */
export function invalidInput(message: string): SandboxResponse {
  return neutronError(400, "InvalidInput", `Invalid input for operation: ${message}`);
}

/** A typed 409 (`NetworkInUse`, `SubnetInUse`, `SecurityGroupInUse`, `SecurityGroupRuleExists`, …). */
export function conflict(type: string, message: string): SandboxResponse {
  return neutronError(409, type, message);
}

/** The 404 of an unknown path below /v2.0 (for instance /routers on a cloud without the L3 extension). */
export function noSuchResource(): SandboxResponse {
  return neutronError(404, "HTTPNotFound", "The resource could not be found.");
}

/** The 403 a member gets for an admin-only attribute (neutron policy.json). */
export function policyRefused(action: string): SandboxResponse {
  return neutronError(403, "PolicyNotAuthorized", `(rule:${action}) is disallowed by policy`);
}

/** Whether a handler's result is an error answer rather than a record. */
export function isAnswer(value: unknown): value is SandboxResponse {
  return typeof value === "object" && value !== null && "status" in value && typeof (value as { status: unknown }).status === "number";
}
