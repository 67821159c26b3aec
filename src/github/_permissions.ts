/**
 * Error translation for the endpoints whose permissions differ from the runner endpoints':
 * `translateGitHubError`'s 403 text names the runner permissions, which would send someone whose
 * token lacks hook admin to fix the wrong thing. Rate limits, 404s and 5xx keep its wording.
 */
import { GitHubAuthError, type FleetError } from "../manager/errors.js";
import { describeGitHubPath } from "../manager/github-path.js";
import type { GitHubPath } from "../manager/types.js";
import { GitHubRequestFailure, translateGitHubError } from "./errors.js";

/** What each kind of call needs, as one phrase after "the token". */
export const NEEDS = {
  // Classic scopes: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
  // Fine-grained and App permissions ("Webhooks"): https://docs.github.com/en/rest/repos/webhooks
  repoHooks:
    "needs admin:repo_hook (classic PAT, from a repository admin), or the repository permission " +
    "Webhooks: read and write (repository_hooks) for fine-grained tokens and GitHub Apps",
  // https://docs.github.com/en/rest/orgs/webhooks: "You must be an organization owner".
  orgHooks:
    "needs admin:org_hook (classic PAT, from an organization owner), or the organization permission " +
    "Webhooks: read and write (organization_hooks) for fine-grained tokens and GitHub Apps",
  // https://docs.github.com/en/rest/actions/workflow-jobs#get-a-job-for-a-workflow-run
  jobs: "needs repo (classic PAT, private repositories), or the repository permission Actions: read for fine-grained tokens and GitHub Apps",
} as const;

/** `translateGitHubError`, with a 403 (and a 401) naming `need` instead of the runner permissions. */
export function translateNeeding(error: unknown, context: { action: string; path: GitHubPath }, need: string): FleetError {
  const translated = translateGitHubError(error, context);
  if (!(translated instanceof GitHubAuthError) || (translated.status !== 401 && translated.status !== 403)) return translated;
  const cause = translated.cause;
  const options = { cause, ...(translated.requestId === undefined ? {} : { requestId: translated.requestId }) };
  if (translated.status === 401) return new GitHubAuthError(`${translated.message}; it also ${need}`, 401, options);
  // The cause holds GitHub's message, already redacted by translateGitHubError.
  const detail = cause instanceof GitHubRequestFailure && cause.message !== "" ? ` ${cause.message}` : "";
  return new GitHubAuthError(`GitHub refused ${context.action} on ${describeGitHubPath(context.path)} (403${detail}): the token ${need}`, 403, options);
}
