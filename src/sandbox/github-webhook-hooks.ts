/**
 * Hook bodies in and out: the checks `POST`/`PATCH …/hooks` make (every problem reported, in the
 * `validation-error` shape GitHub answers 422 with), and the `hook` / `org-hook` shapes.
 * https://docs.github.com/rest/repos/webhooks https://docs.github.com/rest/orgs/webhooks
 */
import { iso } from "./github-http.js";
import type { SandboxResponse } from "./http.js";
import type { HookConfig, SandboxHook } from "./github-webhook-types.js";

/** What a create or update body sets. */
export interface HookFields {
  active: boolean;
  events: string[];
  config: HookConfig;
}

/** One entry of a `validation-error` body's `errors`. */
export interface HookProblem {
  resource: "Hook";
  code: "custom" | "invalid" | "missing_field";
  field?: string;
  message: string;
}

/** GitHub shows a hook's secret as this, never the secret itself. */
export const SECRET_MASK = "********";

/**
 * Checks a create (`existing` undefined) or update body. Updates follow GitHub's rules: a given
 * `config` replaces the old one, so leaving `secret` out removes it; `add_events`/`remove_events`
 * edit the event list.
 */
export function parseHookBody(body: unknown, org: boolean, existing?: SandboxHook): HookFields | { problems: HookProblem[] } {
  const problems: HookProblem[] = [];
  const problem = (message: string, field?: string, code: HookProblem["code"] = "custom") =>
    void problems.push({ resource: "Hook", code, ...(field === undefined ? {} : { field }), message });
  // The repo create body may be null (OpenAPI: nullable); a hook still needs a config URL.
  const b = body === undefined || body === null ? {} : body;
  if (typeof b !== "object" || Array.isArray(b)) return { problems: [{ resource: "Hook", code: "invalid", message: "the body must be a JSON object" }] };
  const fields = b as Record<string, unknown>;
  const allowed = existing === undefined ? CREATE_KEYS : UPDATE_KEYS;
  for (const k of Object.keys(fields).filter((key) => !allowed.has(key))) problem(`unknown key '${k}' (known: ${[...allowed].join(", ")})`, k, "invalid");
  const { name, active, config } = fields;
  if (name !== undefined ? name !== "web" : org && existing === undefined) problem("name must be \"web\"", "name", name === undefined ? "missing_field" : "invalid");
  if (active !== undefined && typeof active !== "boolean") problem("active must be a boolean", "active", "invalid");
  const events = parseEvents(fields, existing, problem);
  const cfg = config === undefined && existing !== undefined ? existing.config : parseConfig(config, existing, problem);
  if (problems.length > 0 || cfg === undefined) return { problems };
  return { active: (active as boolean | undefined) ?? existing?.active ?? true, events, config: cfg };
}

/** A 422 in GitHub's `validation-error` shape. */
export function hookValidationError(problems: HookProblem[], documentationUrl: string): SandboxResponse {
  return { status: 422, body: { message: "Validation Failed", errors: problems, documentation_url: documentationUrl, status: "422" } };
}

/** A hook as the REST API shows it: `hook` for repositories, `org-hook` for organizations. */
export function hookJson(base: string, hook: SandboxHook): Record<string, unknown> {
  const url = `${base}/${hook.scope}/hooks/${hook.id}`;
  const { contentType, insecureSsl, secret } = hook.config;
  const config = { content_type: contentType, insecure_ssl: insecureSsl, url: hook.config.url, ...(secret ? { secret: SECRET_MASK } : {}) };
  const common = {
    id: hook.id,
    name: hook.name,
    active: hook.active,
    events: [...hook.events],
    config,
    updated_at: iso(hook.updatedAt),
    created_at: iso(hook.createdAt),
    url,
    ping_url: `${url}/pings`,
    deliveries_url: `${url}/deliveries`,
  };
  if (hook.scope.startsWith("orgs/")) return { type: "Organization", ...common };
  return { type: "Repository", ...common, test_url: `${url}/test`, last_response: { ...hook.lastResponse } };
}

// --- internal ---

const CREATE_KEYS = new Set(["name", "config", "events", "active"]);
const UPDATE_KEYS = new Set(["name", "config", "events", "add_events", "remove_events", "active"]);
const CONFIG_KEYS = new Set(["url", "content_type", "secret", "insecure_ssl", "username", "password"]);
const EVENT = /^(?:\*|[a-z][a-z_]*)$/;

function parseEvents(fields: Record<string, unknown>, existing: SandboxHook | undefined, problem: (m: string, f?: string) => void): string[] {
  const list = (key: string): string[] | undefined => {
    const value = fields[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((e) => typeof e === "string" && EVENT.test(e))) return value as string[];
    problem(`${key} must be a list of event names such as "workflow_job" or "*"`, key);
    return undefined;
  };
  // GitHub's default subscription is ["push"]; runner fleets ask for workflow_job.
  let events = list("events") ?? existing?.events ?? ["push"];
  const add = list("add_events") ?? [];
  const remove = new Set(list("remove_events") ?? []);
  events = [...new Set([...events, ...add])].filter((e) => !remove.has(e));
  return events;
}

function parseConfig(config: unknown, existing: SandboxHook | undefined, problem: (m: string, f?: string, c?: HookProblem["code"]) => void): HookConfig | undefined {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    problem(config === undefined ? "config is missing: it must hold at least the url" : "config must be an object", "config", config === undefined ? "missing_field" : "invalid");
    return undefined;
  }
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c).filter((key) => !CONFIG_KEYS.has(key))) problem(`unknown config key '${k}'`, `config.${k}`);
  const url = c.url ?? existing?.config.url;
  if (typeof url !== "string" || !isHttpUrl(url)) problem("config.url must be an http or https URL", "url", url === undefined ? "missing_field" : "invalid");
  const contentType = c.content_type ?? existing?.config.contentType ?? "form";
  if (contentType !== "json" && contentType !== "form") problem("config.content_type must be \"json\" or \"form\"", "content_type", "invalid");
  const secret = c.secret;
  if (secret !== undefined && typeof secret !== "string") problem("config.secret must be a string", "secret", "invalid");
  const insecure = c.insecure_ssl ?? existing?.config.insecureSsl ?? "0";
  if (!["0", "1", 0, 1].includes(insecure as string | number)) problem("config.insecure_ssl must be \"0\" or \"1\"", "insecure_ssl", "invalid");
  return {
    url: url as string,
    contentType: contentType as "json" | "form",
    ...(typeof secret === "string" && secret !== "" ? { secret } : {}),
    insecureSsl: String(insecure),
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
