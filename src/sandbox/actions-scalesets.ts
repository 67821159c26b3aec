/**
 * Runner groups and runner scale set CRUD (reference §1.3–§1.4): `{count, value}` envelopes,
 * create → 200 (not 201), delete → 204, names unique within a runner group, the `RunnerSetting`
 * key with its capital R, and `[{type: "System", name}]` labels when none are given.
 */
import { intParam } from "./github-http.js";
import { RUNNER_GROUPS } from "./github-state.js";
import { actionsBaseUrl, actionsEmpty, actionsError, actionsJson, objectBody } from "./actions-http.js";
import { statisticsOf } from "./actions-messages.js";
import { actionsRoute, type ActionsCall, type ActionsContext } from "./actions-route.js";
import type { ScaleSetLabel, ScaleSetRecord } from "./actions-types.js";
import type { ActionsWorld } from "./actions-world.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

const SETS = "/_apis/runtime/runnerscalesets";

/** Runner group lookup and scale set find/get/create/update/delete. */
export function scaleSetRoutes(ctx: ActionsContext): Route[] {
  const { aw } = ctx;
  const admin = (method: string, path: string, name: "runnergroups" | "scalesets" = "scalesets") => ({ name, method, path, auth: "admin" as const });
  return [
    // The Go client asks for `runnergroups/?groupName=` with the trailing slash; both spellings are served.
    actionsRoute(ctx, admin("GET", "/_apis/runtime/runnergroups/", "runnergroups"), (call) => listGroups(aw, call)),
    actionsRoute(ctx, admin("GET", "/_apis/runtime/runnergroups", "runnergroups"), (call) => listGroups(aw, call)),
    actionsRoute(ctx, admin("GET", SETS), (call) => findScaleSets(aw, call)),
    actionsRoute(ctx, admin("POST", SETS), (call) => saveScaleSet(aw, call, undefined)),
    actionsRoute(ctx, admin("GET", `${SETS}/{scaleSetId}`), (call) => withScaleSet(aw, call, (s) => actionsJson(200, scaleSetJson(aw, s, call.req), aw.options.bom))),
    actionsRoute(ctx, admin("PATCH", `${SETS}/{scaleSetId}`), (call) => withScaleSet(aw, call, (s) => saveScaleSet(aw, call, s))),
    actionsRoute(ctx, admin("DELETE", `${SETS}/{scaleSetId}`), (call) =>
      withScaleSet(aw, call, (s) => {
        // ARC's ADR 2022-10-27: deletion is blocked while a runner of the scale set has a job. The
        // status and typeName are [assumed]: those of removing a busy runner (actions-runners.ts).
        const busy = aw.world.state.runners.filter((r) => r.scaleSetId === s.id && r.busy);
        if (busy.length > 0) return actionsError(409, "JobStillRunningException", `The runner scale set ${s.name} has ${busy.length} runner(s) running a job and cannot be deleted yet.`);
        dropScaleSet(aw, s);
        return actionsEmpty(204);
      }),
    ),
  ];
}

/** A scale set as the service answers it (§1.4), statistics derived now. */
export function scaleSetJson(aw: ActionsWorld, s: ScaleSetRecord, req: SandboxRequest): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    runnerGroupId: s.runnerGroupId,
    runnerGroupName: RUNNER_GROUPS.find((g) => g.id === s.runnerGroupId)?.name ?? "",
    labels: s.labels.map((l) => ({ ...l })),
    RunnerSetting: { ...s.runnerSetting },
    createdOn: new Date(s.createdOn).toISOString(),
    runnerJitConfigUrl: `${actionsBaseUrl(req)}_apis/runtime/runnerscalesets/${s.id}/generatejitconfig`,
    statistics: statisticsOf(aw.state, aw.world.state, s.id),
  };
}

/** Runs `then` with the scale set the path names, in the caller's scope, or answers 404. */
export function withScaleSet(aw: ActionsWorld, call: ActionsCall, then: (s: ScaleSetRecord) => SandboxResponse | Promise<SandboxResponse>): SandboxResponse | Promise<SandboxResponse> {
  const id = intParam(call.req.params.scaleSetId);
  const found = aw.state.scaleSets.find((s) => s.id === id && s.scope === call.scope);
  if (found === undefined) return actionsError(404, "RunnerScaleSetNotFoundException", `No runner scale set with id ${call.req.params.scaleSetId ?? ""} was found.`);
  return then(found);
}

// --- internal ---

/** Forgets a deleted scale set: its session, queue and claims (routed jobs return to the REST pool); its idle runners deregister. */
function dropScaleSet(aw: ActionsWorld, scaleSet: ScaleSetRecord): void {
  const state = aw.state;
  state.scaleSets = state.scaleSets.filter((s) => s.id !== scaleSet.id);
  state.sessions = state.sessions.filter((s) => s.scaleSetId !== scaleSet.id);
  delete state.queues[String(scaleSet.id)];
  for (const [id, claim] of Object.entries(state.claims)) if (claim.scaleSetId === scaleSet.id) delete state.claims[id];
  for (const runner of aw.world.state.runners.filter((r) => r.scaleSetId === scaleSet.id)) aw.world.deleteRunner(runner);
  aw.changed();
}

/** Repositories have only the default group; orgs and enterprises also have "ci-group". */
function groupsOf(scope: string): readonly (typeof RUNNER_GROUPS)[number][] {
  return scope.startsWith("repos/") ? RUNNER_GROUPS.filter((g) => g.default) : RUNNER_GROUPS;
}

function listGroups(aw: ActionsWorld, call: ActionsCall): SandboxResponse {
  const name = call.req.query.get("groupName")?.toLowerCase();
  const runners = aw.world.state.runners.filter((r) => r.scope === call.scope);
  const value = groupsOf(call.scope)
    .filter((g) => name === undefined || g.name === name)
    .map((g) => ({ id: g.id, name: g.name, size: runners.filter((r) => r.groupId === g.id).length, isDefaultGroup: g.default }));
  return actionsJson(200, { count: value.length, value }, aw.options.bom);
}

function findScaleSets(aw: ActionsWorld, call: ActionsCall): SandboxResponse {
  const groupId = intParam(call.req.query.get("runnerGroupId"));
  const name = call.req.query.get("name")?.toLowerCase();
  const value = aw.state.scaleSets
    .filter((s) => s.scope === call.scope && (groupId === undefined || s.runnerGroupId === groupId) && (name === undefined || s.name.toLowerCase() === name))
    .map((s) => scaleSetJson(aw, s, call.req));
  return actionsJson(200, { count: value.length, value }, aw.options.bom);
}

/** Create (`existing` undefined) or partial update; both answer 200 with the scale set. */
function saveScaleSet(aw: ActionsWorld, call: ActionsCall, existing: ScaleSetRecord | undefined): SandboxResponse {
  const body = objectBody(call.req);
  if (body === undefined) return actionsError(400, "ArgumentNullException", "Value cannot be null. Parameter name: runnerScaleSet");
  const name = body.name ?? existing?.name;
  if (typeof name !== "string" || name.trim() === "") return actionsError(400, "ArgumentException", "The runner scale set needs a non-empty name.");
  // Go omits runnerGroupId 0 (omitempty); a missing group is the default one, id 1 (§1.3).
  const groupId = body.runnerGroupId ?? existing?.runnerGroupId ?? 1;
  const group = groupsOf(call.scope).find((g) => g.id === groupId);
  if (group === undefined) return actionsError(404, "RunnerGroupNotFoundException", `No runner group with id ${String(groupId)} was found.`);
  const labels = body.labels === undefined ? existing?.labels : parseLabels(body.labels);
  if (labels === undefined && body.labels !== undefined) return actionsError(400, "ArgumentException", 'labels must be [{"type": "System", "name": "<label>"}, …].');
  // Either spelling is read (the service's JSON binding ignores case); `RunnerSetting` is what it writes.
  const setting = body.RunnerSetting ?? body.runnerSetting;
  const runnerSetting = typeof setting === "object" && setting !== null ? { ...(setting as Record<string, unknown>) } : (existing?.runnerSetting ?? {});
  const taken = aw.state.scaleSets.some((s) => s !== existing && s.scope === call.scope && s.runnerGroupId === group.id && s.name.toLowerCase() === name.toLowerCase());
  if (taken) return actionsError(409, "RunnerScaleSetExistsException", `A runner scale set named '${name}' already exists in runner group '${group.name}'.`);
  const finalLabels = labels !== undefined && labels.length > 0 ? labels : [{ type: "System", name }];
  const record: ScaleSetRecord = existing ?? { id: aw.state.counters.scaleSetId++, scope: call.scope, name, runnerGroupId: group.id, labels: finalLabels, runnerSetting, createdOn: aw.now() };
  Object.assign(record, { name, runnerGroupId: group.id, labels: finalLabels, runnerSetting });
  if (existing === undefined) aw.state.scaleSets.push(record);
  return actionsJson(200, scaleSetJson(aw, record, call.req), aw.options.bom);
}

/** Labels as sent; an empty `type` defaults to "System" (§1.4). Undefined when malformed. */
function parseLabels(value: unknown): ScaleSetLabel[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const labels: ScaleSetLabel[] = [];
  for (const item of value as unknown[]) {
    const l = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    if (typeof l.name !== "string" || l.name.trim() === "" || (l.type !== undefined && typeof l.type !== "string")) return undefined;
    labels.push({ type: typeof l.type === "string" && l.type !== "" ? l.type : "System", name: l.name });
  }
  return labels;
}
