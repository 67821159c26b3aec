/**
 * Registering the fleet's `workflow_job` webhook, idempotently: the hook at the receiver's URL is
 * updated in place, or created. Used by `serve --register-webhook` and by `sandbox`. The secret is
 * only ever sent to GitHub: never logged, never in an error (GitHub shows it as "********").
 * https://docs.github.com/en/rest/repos/webhooks#create-a-repository-webhook
 * https://docs.github.com/en/rest/orgs/webhooks#create-an-organization-webhook
 */
import { ConfigError, FleetError, type Problem } from "../manager/errors.js";
import { describeGitHubPath, formatGitHubPath, parseGitHubPath } from "../manager/github-path.js";
import { silentLogger, type Logger } from "../manager/ports.js";
import type { GitHubPath } from "../manager/types.js";
import type { GitHubClient } from "./client.js";
import { GitHubRequestFailure, httpStatusOf } from "./errors.js";
import { clientOf, hookScopeOf, listHooks, safeUrl, WORKFLOW_JOB, type GitHubClientSource, type HookScope } from "./_hooks.js";
import { translateNeeding } from "./_permissions.js";
import { parseHook, type HookInfo } from "./_schemas.js";

/** Options of `ensureWorkflowJobHook`. */
export type EnsureWorkflowJobHookOptions = GitHubClientSource & {
  /** A repository or organization (enterprises have no webhook API). */
  path: GitHubPath | string;
  /** The receiver's public URL (`…/webhook`): the hook's identity. */
  url: string;
  /** The HMAC secret GitHub signs deliveries with. */
  secret: string;
  logger?: Logger;
};

/** The hook `ensureWorkflowJobHook` left in place. */
export interface EnsuredHook {
  id: number;
  /** False when a hook at the URL existed and was updated. */
  created: boolean;
}

/** Creates or updates the one hook at `url`: active, `workflow_job` only, JSON, signed with `secret`. */
export async function ensureWorkflowJobHook(options: EnsureWorkflowJobHookOptions): Promise<EnsuredHook> {
  const { url, secret, logger = silentLogger } = options;
  const path = typeof options.path === "string" ? parseGitHubPath(options.path) : options.path;
  const scope = checkInputs(path, url, secret);
  const octokit = clientOf(options);
  const fields = { where: formatGitHubPath(path), url: safeUrl(url) };
  try {
    const existing = await findHook(octokit, scope, url);
    if (existing) {
      await updateHook(octokit, scope, existing, url, secret);
      logger.info("updated the workflow_job webhook", { ...fields, hookId: existing.id });
      return { id: existing.id, created: false };
    }
    const body = { name: "web", active: true, events: [WORKFLOW_JOB], config: configOf(url, secret, "0") };
    try {
      const { data } = await octokit.request(`POST ${scope.route}/hooks`, { ...scope.params, ...body });
      const hook = parseHook(data);
      logger.info("created the workflow_job webhook", { ...fields, hookId: hook.id });
      return { id: hook.id, created: true };
    } catch (error) {
      // 422 "Hook already exists": another controller registered it meanwhile; update that one.
      const raced = httpStatusOf(error) === 422 ? await findHook(octokit, scope, url) : undefined;
      if (!raced) throw error;
      await updateHook(octokit, scope, raced, url, secret);
      return { id: raced.id, created: false };
    }
  } catch (error) {
    throw withoutSecret(translateNeeding(error, { action: "registering the workflow_job webhook", path }, scope.need), secret);
  }
}

// --- internal ---

function checkInputs(path: GitHubPath, url: string, secret: string): HookScope {
  const problems: Problem[] = [];
  const scope = hookScopeOf(path);
  if (!scope) {
    problems.push({ path: "github.path", message: `${describeGitHubPath(path)} has no webhook API: register the hook on an organization or repository` });
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    problems.push({ path: "webhook.url", message: "must be the receiver's public http(s) URL, e.g. 'https://ci.example.com/webhook'" });
  }
  // GitHub accepts hooks without a secret; the receiver refuses unsigned deliveries (SPEC §9).
  if (secret.trim() === "") problems.push({ path: "webhook.secret", message: "is empty: deliveries must be signed" });
  if (!scope || problems.length > 0) throw new ConfigError(problems);
  return scope;
}

async function findHook(octokit: GitHubClient, scope: HookScope, url: string): Promise<HookInfo | undefined> {
  return (await listHooks(octokit, scope)).find((hook) => hook.url === url);
}

async function updateHook(octokit: GitHubClient, scope: HookScope, hook: HookInfo, url: string, secret: string): Promise<void> {
  // A `config` replaces the old one whole (leaving `secret` out would remove it), so the
  // `insecure_ssl` someone chose for a self-signed receiver is carried over.
  const body = { active: true, events: [WORKFLOW_JOB], config: configOf(url, secret, hook.insecureSsl ?? "0") };
  await octokit.request(`PATCH ${scope.route}/hooks/{hook_id}`, { ...scope.params, hook_id: hook.id, ...body });
}

function configOf(url: string, secret: string, insecureSsl: string): Record<string, string> {
  return { url, content_type: "json", secret, insecure_ssl: insecureSsl };
}

/** Defence in depth: GitHub never echoes the secret, but a proxy or a GHES bug might. */
function withoutSecret(error: FleetError, secret: string): FleetError {
  const scrub = (text: string) => text.split(secret).join("[REDACTED]");
  error.message = scrub(error.message);
  if (error.cause instanceof GitHubRequestFailure) error.cause.message = scrub(error.cause.message);
  return error;
}
