import type { SandboxRequest, SandboxResponse } from "./http.js";
import { novaError, pyStr } from "./openstack-errors.js";
import { isAdmin } from "./openstack-keystone.js";
import type { NovaContext } from "./openstack-nova-context.js";
import { vmStateOf } from "./openstack-nova-views.js";
import type { CloudWorld, ServerRecord } from "./openstack-world.js";

/** `POST /servers/{id}/action`: console output, stop, start and (admin) reset-state. */
export function serverAction(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): SandboxResponse {
  const s = world.servers.get(req.params["id"] ?? "");
  if (s === undefined) return novaError(404, `Instance ${req.params["id"] ?? ""} could not be found.`);
  const body = req.body;
  if (typeof body !== "object" || body === null || Object.keys(body).length !== 1) return novaError(400, "Malformed request body");
  const [action, args] = Object.entries(body)[0] ?? ["", undefined];
  switch (action) {
    case "os-getConsoleOutput":
      return consoleOutput(s, args);
    case "os-stop":
      // nova/compute/api.py stop: vm_state active or error, no task, and a host to ask.
      if (s.launchedAt === null || !["ACTIVE", "ERROR"].includes(s.status) || s.taskState !== null) return invalidState(s, "stop", ["ACTIVE", "ERROR"]);
      world.stopServer(s.id);
      return { status: 202 };
    case "os-start":
      if (s.status !== "SHUTOFF" || s.taskState !== null) return invalidState(s, "start", ["SHUTOFF"]);
      world.startServer(s.id);
      return { status: 202 };
    case "os-resetState":
      return resetState(world, s, args, ctx);
    default:
      return novaError(400, `There is no such action: ${action}`);
  }
}

// --- internal ---

function consoleOutput(s: ServerRecord, args: unknown): SandboxResponse {
  // Nova asks the instance's host (check_instance_host): a server that never got one (BUILD, or
  // ERROR from scheduling) answers 409 InstanceNotReady; an ERROR server with a host answers.
  if (s.status === "BUILD" || s.launchedAt === null) return novaError(409, `Instance ${s.id} is not ready`);
  const length = consoleLength(args);
  if (length === undefined) {
    const raw = (args as Record<string, unknown>)["length"];
    return novaError(400, `Invalid input for field/attribute length. Value: ${pyStr(raw)}. ${pyStr(raw, true)} does not match '^-?[0-9]+$'`);
  }
  const lines = length === null || length < 0 ? s.console : length === 0 ? [] : s.console.slice(-length);
  return { status: 200, body: { output: lines.length === 0 ? "" : `${lines.join("\n")}\n` } };
}

function resetState(world: CloudWorld, s: ServerRecord, args: unknown, ctx: NovaContext): SandboxResponse {
  if (!isAdmin(ctx.token)) return novaError(403, "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed.");
  const state = typeof args === "object" && args !== null ? (args as Record<string, unknown>)["state"] : undefined;
  if (state !== "active" && state !== "error") {
    return novaError(400, `Invalid input for field/attribute state. Value: ${pyStr(state)}. ${pyStr(state, true)} is not one of ['active', 'error']`);
  }
  world.resetState(s.id, state === "active" ? "ACTIVE" : "ERROR");
  return { status: 202 };
}

/** check_instance_state (vm_state first, then task_state) and raise_http_conflict_for_instance_invalid_state. */
function invalidState(s: ServerRecord, action: string, allowed: string[]): SandboxResponse {
  const [attr, state] = !allowed.includes(s.status) || s.taskState === null ? ["vm_state", vmStateOf(s)] : ["task_state", s.taskState];
  return novaError(409, `Cannot '${action}' instance ${s.id} while it is in ${attr} ${state}`);
}

/** `length` of os-getConsoleOutput: integer, digit string or null; undefined when invalid. */
function consoleLength(args: unknown): number | null | undefined {
  if (args === null || args === undefined || typeof args !== "object") return null;
  const raw = (args as Record<string, unknown>)["length"];
  if (raw === undefined || raw === null) return null;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= -1 ? n : undefined;
}
