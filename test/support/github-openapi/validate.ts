/**
 * Validates the sandbox's GitHub responses against GitHub's published OpenAPI description (the
 * committed subset in api.github.com.subset.json, made by scripts/extract-github-openapi.mjs), and
 * the webhook payloads it sends against the webhooks description (webhooks.subset.json).
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { LoggedRequest } from "../../../src/sandbox/bridge.js";
import { SANDBOX_PREFIX } from "../../../src/sandbox/github-control-routes.js";

interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  $ref?: string;
  content?: Record<string, MediaType>;
}
interface OpenApiSubset {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { responses?: Record<string, ResponseObject>; schemas: Record<string, unknown> };
}

const spec = allowNullInNullableEnums(
  JSON.parse(readFileSync(new URL("./api.github.com.subset.json", import.meta.url), "utf8")),
) as OpenApiSubset;

// ajv-formats is CommonJS with a default export; under NodeNext the callable may sit on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Local `#/components/...` refs are rewritten to this registered document.
ajv.addSchema({ $id: "gh", components: spec.components });

const compiled = new Map<string, ValidateFunction | "no-content">();

// The webhooks description is OpenAPI 3.1, whose schemas are JSON Schema 2020-12 (`type: ["string", "null"]`).
const webhookSpec = JSON.parse(readFileSync(new URL("./webhooks.subset.json", import.meta.url), "utf8")) as {
  webhooks: Record<string, { post: { requestBody: { content: Record<string, MediaType> } } }>;
  components: { schemas: Record<string, unknown> };
};
const ajv2020 = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv2020 as unknown as Ajv);
ajv2020.addSchema({ $id: "wh", components: webhookSpec.components });
const webhookValidators = new Map<string, ValidateFunction>();

/**
 * Throws unless `payload` matches the webhooks description's schema for `event` and `action`
 * (e.g. `workflow_job` + `in_progress` → `workflow-job-in-progress`; `ping` has no action).
 */
export function validateWebhookPayload(event: string, action: string | null, payload: unknown): void {
  const name = [event, action].filter((p) => p !== null).join("-").replaceAll("_", "-");
  let validate = webhookValidators.get(name);
  if (validate === undefined) {
    const schema = webhookSpec.webhooks[name]?.post.requestBody.content["application/json"]?.schema;
    if (schema === undefined) throw new Error(`webhook ${name} is not in the webhooks subset`);
    validate = ajv2020.compile(rewriteRefs(schema, "wh") as object);
    webhookValidators.set(name, validate);
  }
  if (!validate(payload)) {
    const errors = (validate.errors ?? []).map((e) => `  ${e.instancePath || "/"} ${e.message ?? "is invalid"} ${JSON.stringify(e.params)}`);
    throw new Error(`${name} payload does not match GitHub's webhook schema:\n${errors.join("\n")}`);
  }
}

/** The response schemas of the subset are for these (method, route) pairs. */
export function documentedOperations(): string[] {
  return Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
}

/** Whether a logged request went to one of the sandbox's own `/_sandbox/` routes, which GitHub does not have. */
export function isSandboxControlRoute(entry: Pick<LoggedRequest, "path">): boolean {
  return entry.path.startsWith(SANDBOX_PREFIX);
}

/**
 * Throws when a logged GitHub response does not match the OpenAPI description: unknown route, a
 * success status the operation does not document, or a body that fails its schema. Error statuses
 * an operation does not list (GitHub omits most 401/403/404s) are checked against `basic-error`,
 * GitHub's shape for every error, and 422 against `validation-error-simple`. The sandbox's
 * `/_sandbox/` control routes are skipped: GitHub's description has nothing to hold them to.
 */
export function validateGitHubResponse(entry: LoggedRequest): void {
  if (isSandboxControlRoute(entry)) return;
  const where = `${entry.method} ${entry.path} (${entry.route}) → ${entry.status}`;
  const validate = validatorFor(entry, where);
  if (validate === "no-content") {
    if (entry.responseBody !== undefined) throw new Error(`${where}: expected no body, got ${JSON.stringify(entry.responseBody)}`);
    return;
  }
  if (!validate(entry.responseBody)) {
    const errors = (validate.errors ?? []).map((e) => `  ${e.instancePath || "/"} ${e.message ?? "is invalid"} ${JSON.stringify(e.params)}`);
    throw new Error(`${where}: response does not match GitHub's OpenAPI schema:\n${errors.join("\n")}`);
  }
}

// --- internal ---

function validatorFor(entry: LoggedRequest, where: string): ValidateFunction | "no-content" {
  const key = `${entry.method} ${entry.route} ${entry.status}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  const result = buildValidator(entry, where);
  compiled.set(key, result);
  return result;
}

function buildValidator(entry: LoggedRequest, where: string): ValidateFunction | "no-content" {
  const operation = spec.paths[entry.route]?.[entry.method.toLowerCase()];
  const isError = entry.status >= 400;
  if (operation === undefined && !isError) throw new Error(`${where}: route not in the OpenAPI subset`);
  const declared = operation?.responses[String(entry.status)];
  if (declared === undefined) {
    if (!isError) throw new Error(`${where}: status not documented for this operation`);
    const fallback = entry.status === 422 ? "validation-error-simple" : "basic-error";
    return ajv.compile({ $ref: `gh#/components/schemas/${fallback}` });
  }
  const response = resolveResponse(declared);
  const schema = response.content?.["application/json"]?.schema;
  if (schema === undefined) return "no-content";
  return ajv.compile(rewriteRefs(schema) as object);
}

function resolveResponse(response: ResponseObject): ResponseObject {
  if (response.$ref === undefined) return response;
  const name = response.$ref.replace("#/components/responses/", "");
  const target = spec.components.responses?.[name];
  if (target === undefined) throw new Error(`unresolved response ${response.$ref}`);
  return resolveResponse(target);
}

/**
 * OpenAPI 3.0.3 says `nullable: true` admits null even when `enum` omits it (GitHub's `job.conclusion`
 * is null until the job ends), but ajv applies `enum` literally; add null to such enums. A nullable
 * schema without a `type` (an `anyOf`) is spelled out as "it, or null", which ajv can compile.
 * https://github.com/OAI/OpenAPI-Specification/blob/main/proposals/2019-10-31-Clarify-Nullable.md
 */
function allowNullInNullableEnums(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowNullInNullableEnums);
  if (node === null || typeof node !== "object") return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, allowNullInNullableEnums(v)]));
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  // ajv wants a `type` beside `nullable`; a nullable anyOf/allOf (installation.account) becomes "that, or null".
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _nullable, ...rest } = out;
    return { anyOf: [rest, { type: "null" }] };
  }
  return out;
}

function rewriteRefs(node: unknown, id = "gh"): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, id));
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === "$ref" && typeof v === "string" ? v.replace(/^#\//, `${id}#/`) : rewriteRefs(v, id)]),
  );
}
