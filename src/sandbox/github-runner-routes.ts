/**
 * Self-hosted runner endpoints, identical for repo, org and enterprise scopes: list (paginated,
 * `name` filter), get, delete (422 while truly busy), JIT config, registration/remove tokens,
 * and the runner groups of orgs and enterprises.
 * https://docs.github.com/rest/actions/self-hosted-runners
 */
import { issueRegistrationToken } from "./actions-tokens.js";
import { randomRunnerToken } from "./github-auth.js";
import { guarded, type SideContext } from "./github-guard.js";
import { DOCS, baseUrlOf, githubError, intParam, iso, paginate, validationError } from "./github-http.js";
import { secondaryLimited, takeJitSlot } from "./github-ratelimit.js";
import { runnerGroupsJson, runnerJson } from "./github-shapes.js";
import { RUNNER_GROUPS, scopeOf, type SandboxRunner } from "./github-state.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** The three places runners can be registered. */
export const SCOPE_PREFIXES = ["/repos/{owner}/{repo}", "/orgs/{org}", "/enterprises/{enterprise}"] as const;

const HOUR_MS = 3_600_000;

/** Every runner and runner-group route. */
export function runnerRoutes(ctx: SideContext): Route[] {
  const routes = SCOPE_PREFIXES.flatMap((prefix) => [
    guarded(ctx, "admin", "GET", `${prefix}/actions/runners`, (req) => listRunners(ctx, req)),
    guarded(ctx, "admin", "POST", `${prefix}/actions/runners/generate-jitconfig`, (req) => generateJit(ctx, req)),
    // Remembered with its scope: runner-registration trades it for an Actions service token (actions-tokens.ts).
    guarded(ctx, "admin", "POST", `${prefix}/actions/runners/registration-token`, (req) => issueRegistrationToken(ctx.world.state, scopeOf(req.params), ctx.world.now())),
    guarded(ctx, "admin", "POST", `${prefix}/actions/runners/remove-token`, () => runnerToken(ctx)),
    guarded(ctx, "admin", "GET", `${prefix}/actions/runners/{runner_id}`, (req) => getRunner(ctx, req)),
    guarded(ctx, "admin", "DELETE", `${prefix}/actions/runners/{runner_id}`, (req) => deleteRunner(ctx, req)),
  ]);
  const groups = (enterprise: boolean) => (req: SandboxRequest) => listGroups(req, enterprise);
  routes.push(
    guarded(ctx, "admin", "GET", "/orgs/{org}/actions/runner-groups", groups(false)),
    guarded(ctx, "admin", "GET", "/enterprises/{enterprise}/actions/runner-groups", groups(true)),
  );
  return routes;
}

// --- internal ---

function listRunners(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const scope = scopeOf(req.params);
  const name = req.query.get("name");
  const all = ctx.world.state.runners.filter((r) => r.scope === scope && (name === null || r.name === name));
  const { page, headers } = paginate(req, all);
  return { status: 200, body: { total_count: all.length, runners: page.map((r) => runnerJson(ctx.world, r)) }, headers };
}

function findRunner(ctx: SideContext, req: SandboxRequest): SandboxRunner | undefined {
  const scope = scopeOf(req.params);
  const id = intParam(req.params.runner_id);
  return ctx.world.state.runners.find((r) => r.id === id && r.scope === scope);
}

function getRunner(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const runner = findRunner(ctx, req);
  if (runner === undefined) return githubError(404, "Not Found", DOCS.runners);
  return { status: 200, body: runnerJson(ctx.world, runner) };
}

function deleteRunner(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const runner = findRunner(ctx, req);
  if (runner === undefined) return githubError(404, "Not Found", DOCS.runners);
  // GitHub checks the true state here, not the lagging `busy` of the list.
  if (ctx.world.deleteRunner(runner) === "busy") {
    return validationError(`Bad request - Runner "${runner.name}" is still running a job"`, DOCS.runners);
  }
  return { status: 204 };
}

function generateJit(ctx: SideContext, req: SandboxRequest): SandboxResponse {
  const { world } = ctx;
  const body = typeof req.body === "object" && req.body !== null ? (req.body as Record<string, unknown>) : {};
  const { name, runner_group_id: groupId, labels } = body;
  const missing = (["name", "runner_group_id", "labels"] as const).filter((k) => body[k] === undefined);
  if (missing.length > 0) {
    const errors = missing.map((k) => `object is missing required key: ${k}`);
    return validationError(`Invalid input: ${errors.join(", ")}`, DOCS.runners, errors);
  }
  const labelsOk = Array.isArray(labels) && labels.length >= 1 && labels.length <= 100 && labels.every((l) => typeof l === "string" && l !== "");
  if (typeof name !== "string" || name === "" || typeof groupId !== "number" || !Number.isInteger(groupId) || !labelsOk) {
    return validationError("Invalid input: name must be a string, runner_group_id an integer and labels 1 to 100 strings", DOCS.runners);
  }
  const scope = scopeOf(req.params);
  // Repositories only have the default group; orgs and enterprises also have "ci-group".
  const groups = scope.startsWith("repos/") ? RUNNER_GROUPS.filter((g) => g.default) : RUNNER_GROUPS;
  if (!groups.some((g) => g.id === groupId)) return githubError(404, "Not Found", DOCS.runnerGroups);
  if (world.state.runners.some((r) => r.scope === scope && r.name.toLowerCase() === name.toLowerCase())) {
    return githubError(409, `Already exists - A runner with the name ${name} already exists.`, DOCS.runners);
  }
  const waitS = takeJitSlot(world.state, ctx.jitPerMinute, world.now());
  if (waitS !== undefined) return secondaryLimited(waitS);
  const { runner, jitConfig } = world.registerRunner(scope, name, groupId, labels as string[]);
  return { status: 201, body: { runner: runnerJson(world, runner), encoded_jit_config: jitConfig } };
}

function runnerToken(ctx: SideContext): SandboxResponse {
  return { status: 201, body: { token: randomRunnerToken(), expires_at: iso(ctx.world.now() + HOUR_MS) } };
}

function listGroups(req: SandboxRequest, enterprise: boolean): SandboxResponse {
  const scopePath = enterprise ? `/enterprises/${req.params.enterprise ?? ""}` : `/orgs/${req.params.org ?? ""}`;
  const all = runnerGroupsJson(baseUrlOf(req), scopePath, enterprise);
  const { page, headers } = paginate(req, all);
  return { status: 200, body: { total_count: all.length, runner_groups: page }, headers };
}
