#!/usr/bin/env node
// Extracts the GitHub REST paths the sandbox serves, plus every `components` entry they reference
// (transitively), from @octokit/openapi's generated description into a small committed file.
// The full package is 404 MB unpacked, too big for CI; the subset is tens of kB. With --webhooks,
// it also extracts the webhook payload schemas the sandbox sends (workflow_job, ping) from
// @octokit/openapi-webhooks into webhooks.subset.json.
//
// Regenerate:
//   cd /tmp && npm pack @octokit/openapi@23 && tar -xzf octokit-openapi-*.tgz \
//     package/package.json package/generated/api.github.com.json package/generated/ghec.json
//   mkdir -p /tmp/wh && npm pack @octokit/openapi-webhooks@12 && tar -xzf octokit-openapi-webhooks-*.tgz -C /tmp/wh \
//     package/package.json package/generated/api.github.com.json
//   node scripts/extract-github-openapi.mjs /tmp/package/generated/api.github.com.json [/tmp/package/generated/ghec.json] \
//     [--webhooks /tmp/wh/package/generated/api.github.com.json]
//
// Enterprise runner endpoints exist only in the GHEC description (ghec.json); when it is given,
// those paths are taken from it. Without it they are left out and the validator reports them.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, "../test/support/github-openapi");
const outFile = join(outDir, "api.github.com.subset.json");
const webhooksOutFile = join(outDir, "webhooks.subset.json");

/** The operations src/sandbox/github-*.ts serves: path template → methods. */
const SCOPES = ["/repos/{owner}/{repo}", "/orgs/{org}"];
const ENTERPRISE = "/enterprises/{enterprise}";
const runnerPaths = (prefix) => ({
  [`${prefix}/actions/runners`]: ["get"],
  [`${prefix}/actions/runners/{runner_id}`]: ["get", "delete"],
  [`${prefix}/actions/runners/generate-jitconfig`]: ["post"],
  [`${prefix}/actions/runners/registration-token`]: ["post"],
  [`${prefix}/actions/runners/remove-token`]: ["post"],
});
const hookPaths = (prefix) => ({
  [`${prefix}/hooks`]: ["get", "post"],
  [`${prefix}/hooks/{hook_id}`]: ["get", "patch", "delete"],
  [`${prefix}/hooks/{hook_id}/pings`]: ["post"],
  [`${prefix}/hooks/{hook_id}/deliveries`]: ["get"],
  [`${prefix}/hooks/{hook_id}/deliveries/{delivery_id}`]: ["get"],
  [`${prefix}/hooks/{hook_id}/deliveries/{delivery_id}/attempts`]: ["post"],
});
const DOTCOM_PATHS = {
  "/": ["get"],
  // What an ordinary client calls first (github-account-routes.ts, github-app-routes.ts).
  "/user": ["get"],
  "/rate_limit": ["get"],
  "/repos/{owner}/{repo}": ["get"],
  "/orgs/{org}": ["get"],
  "/app": ["get"],
  "/app/installations": ["get"],
  "/app/installations/{installation_id}": ["get"],
  "/repos/{owner}/{repo}/installation": ["get"],
  "/orgs/{org}/installation": ["get"],
  "/app/installations/{installation_id}/access_tokens": ["post"],
  "/orgs/{org}/actions/runner-groups": ["get"],
  "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs": ["get"],
  "/repos/{owner}/{repo}/actions/jobs/{job_id}": ["get"],
  ...Object.assign({}, ...SCOPES.map(runnerPaths)),
  ...Object.assign({}, ...SCOPES.map(hookPaths)),
};
const GHEC_PATHS = { ...runnerPaths(ENTERPRISE), [`${ENTERPRISE}/actions/runner-groups`]: ["get"] };
/** Shared error shapes the validator falls back to for statuses a path does not document. */
const ALWAYS = ["#/components/schemas/basic-error", "#/components/schemas/validation-error-simple"];
/** The webhook events (and their payload schemas) src/sandbox/github-webhook-payload.ts sends. */
const WEBHOOKS = ["workflow-job-queued", "workflow-job-in-progress", "workflow-job-completed", "ping"];

const args = process.argv.slice(2);
const flag = args.indexOf("--webhooks");
const webhooksPath = flag >= 0 ? args[flag + 1] : undefined;
const [dotcomPath, ghecPath] = flag >= 0 ? [...args.slice(0, flag), ...args.slice(flag + 2)] : args;
if (!dotcomPath || (flag >= 0 && !webhooksPath)) {
  console.error("usage: extract-github-openapi.mjs <api.github.com.json> [ghec.json] [--webhooks <openapi-webhooks api.github.com.json>]");
  process.exit(2);
}
const dotcom = JSON.parse(readFileSync(dotcomPath, "utf8"));
const ghec = ghecPath ? JSON.parse(readFileSync(ghecPath, "utf8")) : undefined;

let out = { paths: {}, components: {} };
const conflicts = [];

/** Drops examples, descriptions and vendor extensions: they are most of the size and validate nothing. */
function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== "object") return node;
  const copy = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "examples" || k === "example" || k === "description" || k.startsWith("x-")) continue;
    // A schema may have a *property* called "description": keep it inside `properties`.
    copy[k] = strip(v);
  }
  if (node.properties && typeof node.properties === "object") {
    copy.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, strip(v)]));
  }
  return copy;
}

function lookup(doc, ref) {
  const parts = ref.replace(/^#\//, "").split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  let node = doc;
  for (const p of parts) node = node?.[p];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return { parts, node };
}

/** Copies `ref` (and, recursively, everything it references) from `doc` into out.components. */
function copyRef(doc, ref) {
  const { parts, node } = lookup(doc, ref);
  const [, kind, name] = parts;
  out.components[kind] ??= {};
  const existing = out.components[kind][name];
  const value = strip(node);
  if (existing !== undefined) {
    if (JSON.stringify(existing) !== JSON.stringify(value)) conflicts.push(`${kind}/${name}`);
    return;
  }
  out.components[kind][name] = value;
  collectRefs(doc, value);
}

function collectRefs(doc, node) {
  if (Array.isArray(node)) return node.forEach((n) => collectRefs(doc, n));
  if (node === null || typeof node !== "object") return;
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string") copyRef(doc, v);
    else collectRefs(doc, v);
  }
}

function copyPaths(doc, wanted, source) {
  for (const [path, methods] of Object.entries(wanted)) {
    const item = doc.paths[path];
    if (!item) throw new Error(`${source} has no path ${path}`);
    out.paths[path] = {};
    for (const m of methods) {
      const op = item[m];
      if (!op) throw new Error(`${source} has no ${m.toUpperCase()} ${path}`);
      // Only responses matter to a response validator; parameters and bodies are left behind.
      const kept = strip({ operationId: op.operationId, responses: op.responses });
      out.paths[path][m] = kept;
      collectRefs(doc, kept);
    }
  }
}

copyPaths(dotcom, DOTCOM_PATHS, "api.github.com.json");
ALWAYS.forEach((ref) => copyRef(dotcom, ref));
if (ghec) copyPaths(ghec, GHEC_PATHS, "ghec.json");

const packageVersion = (file) => {
  const pkg = resolve(dirname(file), "../package.json");
  return existsSync(pkg) ? JSON.parse(readFileSync(pkg, "utf8")).version : "unknown";
};
const version = packageVersion(dotcomPath);
const subset = {
  openapi: dotcom.openapi,
  info: {
    title: "GitHub REST API (subset served by the runner-fleet sandbox)",
    version: dotcom.info.version,
    license: { name: "MIT", url: "https://github.com/octokit/openapi/blob/main/LICENSE" },
    "x-source": `@octokit/openapi@${version} generated/api.github.com.json${ghec ? " + generated/ghec.json (/enterprises paths)" : ""}`,
    "x-generated-by": "scripts/extract-github-openapi.mjs (examples, descriptions and x-* extensions stripped)",
  },
  paths: out.paths,
  components: out.components,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(outFile, `${JSON.stringify(subset, null, 1)}\n`);
if (conflicts.length > 0) console.warn(`kept api.github.com.json's version of: ${conflicts.join(", ")}`);
const count = Object.values(out.components).reduce((n, group) => n + Object.keys(group).length, 0);
console.log(`wrote ${outFile}: ${Object.keys(out.paths).length} paths, ${count} components`);

if (webhooksPath) {
  // Same walk over the webhooks description (OpenAPI 3.1: JSON Schema 2020-12 types such as ["string", "null"]).
  const doc = JSON.parse(readFileSync(webhooksPath, "utf8"));
  out = { paths: {}, components: {} };
  conflicts.length = 0;
  const webhooks = {};
  for (const name of WEBHOOKS) {
    const op = doc.webhooks?.[name]?.post;
    if (!op) throw new Error(`openapi-webhooks has no webhook ${name}`);
    const kept = strip({ operationId: op.operationId, requestBody: op.requestBody });
    webhooks[name] = { post: kept };
    collectRefs(doc, kept);
  }
  const subsetWebhooks = {
    openapi: doc.openapi,
    info: {
      title: "GitHub webhooks (subset sent by the runner-fleet sandbox)",
      version: doc.info.version,
      license: { name: "MIT", url: "https://github.com/octokit/openapi-webhooks/blob/main/LICENSE" },
      "x-source": `@octokit/openapi-webhooks@${packageVersion(webhooksPath)} generated/api.github.com.json`,
      "x-generated-by": "scripts/extract-github-openapi.mjs --webhooks (examples, descriptions and x-* extensions stripped)",
    },
    webhooks,
    components: out.components,
  };
  writeFileSync(webhooksOutFile, `${JSON.stringify(subsetWebhooks, null, 1)}\n`);
  if (conflicts.length > 0) console.warn(`conflicting copies in the webhooks description: ${conflicts.join(", ")}`);
  const n = Object.values(out.components).reduce((sum, group) => sum + Object.keys(group).length, 0);
  console.log(`wrote ${webhooksOutFile}: ${WEBHOOKS.length} webhooks, ${n} components`);
}
