/**
 * The Actions service's scale set API (reference §1.3, §1.4, §1.9): runner groups, scale set
 * find/create/update/delete, JIT configs and runner removal, on the admin token of
 * `ActionsAuth`. Sessions and the message queue are in actions-sessions.ts.
 */
import { ConfigError } from "../manager/errors.js";
import type { JitRunner } from "../manager/ports.js";
import { ActionsAuth, type ActionsAuthOptions } from "./actions-auth.js";
import { actionsUserAgent } from "./actions-config.js";
import { actionsErrorFrom, isActionsError, unexpectedResponse } from "./actions-errors.js";
import { ActionsHttp } from "./actions-http.js";
import { parseAgent, parseAgents, parseGroups, parseJit, parseScaleSet, parseScaleSets, type WireAgent, type WireScaleSet } from "./actions-schemas.js";

/** Options of `ActionsClient`: the token chain's, plus the long-poll timeout. */
export interface ActionsClientOptions extends ActionsAuthOptions {
  /** The message long poll's timeout; must exceed the ~50 s window (default 5 min, §1.6). */
  longPollTimeoutMs?: number;
}

/** What a scale set is created with. */
export interface ScaleSetDefinition {
  name: string;
  runnerGroupId: number;
  /** Label names; default the scale set's name (§1.4). */
  labels?: string[];
}

// Neither client looks the default group up: it is id 1 (§1.3).
const DEFAULT_GROUP_ID = 1;
const SCALE_SETS = "_apis/runtime/runnerscalesets";
const AGENTS = "_apis/distributedtask/pools/0/agents";

/** A client of the Actions service for one fleet (one config URL). */
export class ActionsClient {
  readonly auth: ActionsAuth;
  readonly http: ActionsHttp;
  readonly longPollTimeoutMs: number;
  /** Named in the User-Agent once known (§1.2.5). */
  scaleSetId = 0;

  constructor(options: ActionsClientOptions) {
    this.auth = new ActionsAuth(options);
    this.http = new ActionsHttp({ ...options, auth: this.auth, userAgent: () => actionsUserAgent(this.scaleSetId) });
    this.longPollTimeoutMs = options.longPollTimeoutMs ?? 5 * 60_000;
  }

  /** The id of the runner group `name`; `default` is id 1 without a call (§1.3). */
  async runnerGroupId(name: string): Promise<number> {
    if (name.toLowerCase() === "default") return DEFAULT_GROUP_ID;
    const response = await this.http.call({ method: "GET", path: "_apis/runtime/runnergroups/", query: { groupName: name }, action: `looking up runner group '${name}'` });
    const groups = parseGroups(response.text);
    if (groups.length !== 1 || !groups[0]) {
      const why = groups.length === 0 ? "does not exist" : `matches ${groups.length} groups`;
      throw new ConfigError([{ path: "github.runnerGroup", message: `runner group '${name}' ${why} in ${this.auth.configUrl}` }]);
    }
    return groups[0].id;
  }

  /** The scale set `name` of a runner group; undefined when there is none (§1.4). */
  async findScaleSet(runnerGroupId: number, name: string): Promise<WireScaleSet | undefined> {
    const query = { runnerGroupId: String(runnerGroupId), name };
    const response = await this.http.call({ method: "GET", path: SCALE_SETS, query, action: `finding scale set '${name}'` });
    const sets = parseScaleSets(response.text);
    if (sets.length > 1) throw unexpectedResponse("runner scale set list", `${sets.length} scale sets named '${name}' in group ${runnerGroupId}`);
    return sets[0];
  }

  /** Creates a scale set of ephemeral runners that never self-update (200, not 201; §1.4). */
  async createScaleSet(definition: ScaleSetDefinition): Promise<WireScaleSet> {
    const body = { name: definition.name, runnerGroupId: definition.runnerGroupId, labels: systemLabels(definition), RunnerSetting: { disableUpdate: true } };
    const response = await this.http.call({ method: "POST", path: SCALE_SETS, body, action: `creating scale set '${definition.name}'` });
    return parseScaleSet(response.text);
  }

  /** Replaces a scale set's labels (PATCH with a partial scale set, §1.4). */
  async updateScaleSetLabels(id: number, definition: ScaleSetDefinition): Promise<WireScaleSet> {
    const response = await this.http.call({ method: "PATCH", path: `${SCALE_SETS}/${id}`, body: { labels: systemLabels(definition) }, action: `updating scale set ${id}` });
    return parseScaleSet(response.text);
  }

  /** Deletes a scale set (204); `"gone"` when it did not exist. */
  async deleteScaleSet(id: number): Promise<"deleted" | "gone"> {
    const action = `deleting scale set ${id}`;
    const response = await this.http.send({ method: "DELETE", path: `${SCALE_SETS}/${id}`, action });
    if (response.status === 404) return "gone";
    if (response.status < 200 || response.status > 299) throw actionsErrorFrom(response.status, response.text, response.headers, action);
    return "deleted";
  }

  /** A JIT config for a runner of the scale set; the config is a secret (§1.9). */
  async generateJitConfig(scaleSetId: number, name: string, workFolder = ""): Promise<JitRunner> {
    const response = await this.http.call({ method: "POST", path: `${SCALE_SETS}/${scaleSetId}/generatejitconfig`, body: { name, workFolder }, action: `generating a JIT config for runner '${name}'` });
    const jit = parseJit(response.text);
    return { runner: { id: jit.runner.id, name: jit.runner.name, online: false, busy: false, labels: [] }, jitConfig: jit.encodedJITConfig };
  }

  /** A runner by id; undefined when the service does not know it. */
  async getRunner(id: number): Promise<WireAgent | undefined> {
    try {
      return parseAgent((await this.http.call({ method: "GET", path: `${AGENTS}/${id}`, action: `reading runner ${id}` })).text);
    } catch (error) {
      if (isActionsError(error, "actions_runner_not_found") || (isActionsError(error, "actions_api") && error.status === 404)) return undefined;
      throw error;
    }
  }

  /** A runner by name; undefined when there is none. */
  async getRunnerByName(name: string): Promise<WireAgent | undefined> {
    const response = await this.http.call({ method: "GET", path: AGENTS, query: { agentName: name }, action: `finding runner '${name}'` });
    return parseAgents(response.text)[0];
  }

  /** Removes a runner: busy → `JobStillRunningException`, gone → `AgentNotFoundException` (§1.9). */
  async removeRunner(id: number): Promise<"deleted" | "busy" | "gone"> {
    try {
      await this.http.call({ method: "DELETE", path: `${AGENTS}/${id}`, action: `removing runner ${id}` });
      return "deleted";
    } catch (error) {
      if (isActionsError(error, "actions_job_still_running")) return "busy";
      if (isActionsError(error, "actions_runner_not_found") || (isActionsError(error, "actions_api") && error.status === 404)) return "gone";
      throw error;
    }
  }
}

// --- internal ---

// An empty `type` defaults to System (§1.4).
function systemLabels(definition: ScaleSetDefinition): { type: string; name: string }[] {
  const names = definition.labels && definition.labels.length > 0 ? definition.labels : [definition.name];
  return names.map((name) => ({ type: "System", name }));
}
