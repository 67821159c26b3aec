/**
 * JIT runners of scale sets and their removal (reference §1.9): generatejitconfig registers an
 * offline ephemeral runner in the one world and returns a config the sandbox's VMs recognise
 * (github-jit.ts, via `run.sh --jitconfig`); a taken name is `AgentExistsException`; DELETE of a
 * busy runner is `JobStillRunningException`, of an unknown one `AgentNotFoundException`.
 */
import { intParam } from "./github-http.js";
import type { SandboxRunner } from "./github-state.js";
import { actionsEmpty, actionsError, actionsJson, objectBody } from "./actions-http.js";
import { actionsRoute, type ActionsCall, type ActionsContext } from "./actions-route.js";
import { withScaleSet } from "./actions-scalesets.js";
import type { ScaleSetRecord } from "./actions-types.js";
import type { ActionsWorld } from "./actions-world.js";
import type { Route, SandboxResponse } from "./http.js";

const AGENTS = "/_apis/distributedtask/pools/0/agents";

/** generatejitconfig and the agents endpoints. */
export function runnerRoutes(ctx: ActionsContext): Route[] {
  const { aw } = ctx;
  const admin = (name: "generatejitconfig" | "agents", method: string, path: string) => ({ name, method, path, auth: "admin" as const });
  return [
    actionsRoute(ctx, admin("generatejitconfig", "POST", "/_apis/runtime/runnerscalesets/{scaleSetId}/generatejitconfig"), (call) =>
      withScaleSet(aw, call, (s) => generateJit(aw, call, s)),
    ),
    actionsRoute(ctx, admin("agents", "GET", AGENTS), (call) => {
      const name = call.req.query.get("agentName")?.toLowerCase();
      const value = inScope(aw, call).filter((r) => name === undefined || r.name.toLowerCase() === name).map(agentJson);
      return actionsJson(200, { count: value.length, value }, aw.options.bom);
    }),
    actionsRoute(ctx, admin("agents", "GET", `${AGENTS}/{agentId}`), (call) => withAgent(aw, call, (r) => actionsJson(200, agentJson(r), aw.options.bom))),
    actionsRoute(ctx, admin("agents", "DELETE", `${AGENTS}/{agentId}`), (call) =>
      withAgent(aw, call, (r) => {
        // The true state decides, as for REST's 422 (§2: "Remove a busy runner").
        if (aw.world.deleteRunner(r) === "busy") return actionsError(409, "JobStillRunningException", `The runner ${r.name} is running a job and cannot be removed yet.`);
        return actionsEmpty(204);
      }),
    ),
  ];
}

// --- internal ---

function generateJit(aw: ActionsWorld, call: ActionsCall, s: ScaleSetRecord): SandboxResponse {
  const name = objectBody(call.req)?.name;
  if (typeof name !== "string" || name.trim() === "") return actionsError(400, "ArgumentException", 'The body must be {"name": "<unique runner name>", "workFolder": "<dir or empty>"}.');
  if (aw.world.state.runners.some((r) => r.scope === s.scope && r.name.toLowerCase() === name.toLowerCase())) {
    return actionsError(409, "AgentExistsException", `A runner with the name ${name} already exists.`);
  }
  // The runner carries the scale set's labels and name, so the world's label match holds for its jobs.
  const labels = [...new Set([s.name, ...s.labels.map((l) => l.name)])];
  const { runner, jitConfig } = aw.world.registerRunner(s.scope, name, s.runnerGroupId, labels);
  runner.scaleSetId = s.id;
  return actionsJson(200, { runner: agentJson(runner), encodedJITConfig: jitConfig }, aw.options.bom);
}

function inScope(aw: ActionsWorld, call: ActionsCall): SandboxRunner[] {
  return aw.world.state.runners.filter((r) => r.scope === call.scope);
}

function withAgent(aw: ActionsWorld, call: ActionsCall, then: (r: SandboxRunner) => SandboxResponse): SandboxResponse {
  const id = intParam(call.req.params.agentId);
  const runner = inScope(aw, call).find((r) => r.id === id);
  if (runner === undefined) return actionsError(404, "AgentNotFoundException", `No runner with id ${call.req.params.agentId ?? ""} was found.`);
  return then(runner);
}

/** A runner reference (§1.9); runners registered over REST have `runnerScaleSetId` 0. */
function agentJson(r: SandboxRunner): Record<string, unknown> {
  return { id: r.id, name: r.name, runnerScaleSetId: r.scaleSetId ?? 0 };
}
