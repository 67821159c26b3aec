/**
 * What the hook adapters share: the client they run on, where a path's hooks live, and finding
 * the hooks that send `workflow_job` events. Enterprises have no webhook REST API (only repository,
 * organization and GitHub App hooks do): https://docs.github.com/en/rest/repos/webhooks
 * https://docs.github.com/en/rest/orgs/webhooks https://docs.github.com/en/rest/apps/webhooks
 */
import type { GitHubPath } from "../manager/types.js";
import { createOctokit, type GitHubClient, type GitHubClientOptions } from "./client.js";
import { NEEDS } from "./_permissions.js";
import { parseHook, type HookInfo } from "./_schemas.js";

/** An existing client, or the options to create one (as `createGitHubPlatform` takes them). */
export type GitHubClientSource = { octokit: GitHubClient } | GitHubClientOptions;

/** Where a path's hooks live, and what a token needs to manage them. */
export interface HookScope {
  route: string;
  params: Record<string, string>;
  path: GitHubPath;
  need: string;
}

/** The event the fleet's hook must send. */
export const WORKFLOW_JOB = "workflow_job";

/** The client given, or a new one made from the options given. */
export function clientOf(source: GitHubClientSource): GitHubClient {
  return "octokit" in source ? source.octokit : createOctokit(source);
}

/** The hooks route of a repository or organization path; undefined for an enterprise. */
export function hookScopeOf(path: GitHubPath): HookScope | undefined {
  switch (path.kind) {
    case "repo":
      return { route: "/repos/{owner}/{repo}", params: { owner: path.owner, repo: path.repo }, path, need: NEEDS.repoHooks };
    case "org":
      return { route: "/orgs/{org}", params: { org: path.org }, path, need: NEEDS.orgHooks };
    case "enterprise":
      return undefined;
  }
}

/** Every hook of the scope, 100 a page (untranslated Octokit errors: callers name their action). */
export async function listHooks(octokit: GitHubClient, scope: HookScope): Promise<HookInfo[]> {
  const hooks: HookInfo[] = [];
  for await (const page of octokit.paginate.iterator(`GET ${scope.route}/hooks`, { ...scope.params, per_page: 100 })) {
    for (const item of page.data as unknown[]) hooks.push(parseHook(item));
  }
  return hooks;
}

/** Whether a hook sends `workflow_job` events now ("*" subscribes to every event). */
export function sendsWorkflowJobs(hook: HookInfo): boolean {
  return hook.active && (hook.events.includes(WORKFLOW_JOB) || hook.events.includes("*"));
}

/** A URL fit for messages and logs: no credentials, no query (receivers sometimes put tokens there). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(not a URL)";
  }
}
