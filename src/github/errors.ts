/**
 * Translation of Octokit errors into runner-fleet's typed errors, at the GitHub boundary
 * (Canonical `catch_http_errors`). Octokit's `RequestError` carries the request with its headers
 * and body; it never leaves src/github: the translated error's `cause` is a redacted summary.
 */
import { FleetError, GitHubApiError, GitHubAuthError, RateLimitError } from "../manager/errors.js";
import type { GitHubPath } from "../manager/types.js";
import { describeGitHubPath } from "../manager/github-path.js";

/** What was being done when GitHub failed, for the message. */
export interface GitHubErrorContext {
  /** A verb phrase: "listing runners", "deleting runner 42". */
  action: string;
  path?: GitHubPath;
}

/** The parts of an Octokit `RequestError` this module reads (duck-typed: no import of its class). */
export interface OctokitErrorLike {
  status: number;
  message: string;
  request: { method: string; url: string };
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
}

/** A redacted summary of the failed request, used as `cause`: no headers, no body, no token. */
export class GitHubRequestFailure extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly url: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "GitHubRequestFailure";
  }
}

// Secondary limits are only recognisable by their message text; the same test plugin-throttling
// uses: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
const SECONDARY_LIMIT = /\bsecondary rate\b/i;
// Without `retry-after`, GitHub says to wait at least a minute before retrying (same page).
const SECONDARY_FALLBACK_SECONDS = 60;
const PERMISSIONS =
  "needs admin:org or organization_self_hosted_runners: write for org runners; repo Administration " +
  "write for repo runners; manage_runners:enterprise for enterprise runners";

/** True for an Octokit `RequestError` (HTTP failure, or network failure wrapped with status 500). */
export function isOctokitError(error: unknown): error is OctokitErrorLike {
  if (!(error instanceof Error) || !("status" in error) || !("request" in error)) return false;
  const request: unknown = error.request;
  return typeof error.status === "number" && typeof request === "object" && request !== null && "url" in request;
}

/** The HTTP status of an Octokit error that GitHub answered, or undefined (network failure, other). */
export function httpStatusOf(error: unknown): number | undefined {
  return isOctokitError(error) && error.response ? error.status : undefined;
}

/** Translates anything thrown by Octokit into a `FleetError` with an actionable, secret-free message. */
export function translateGitHubError(error: unknown, context: GitHubErrorContext): FleetError {
  if (error instanceof FleetError) return error;
  if (!isOctokitError(error)) {
    // auth-app key problems, aborted requests, bugs: keep only a redacted message.
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    return new GitHubApiError(`GitHub request failed while ${context.action}: ${message}`, 0, {
      cause: new GitHubRequestFailure(message, "", "", 0),
    });
  }
  const method = error.request.method;
  const url = redactUrl(error.request.url);
  const { response } = error;
  if (!response) {
    // fetch failed before any answer (DNS, refused connection, our timeout): Octokit reports 500.
    const message = redactSecrets(error.message);
    return new GitHubApiError(`could not reach GitHub (${method} ${url}) while ${context.action}: ${message}`, 0, {
      cause: new GitHubRequestFailure(message, method, url, 0),
    });
  }
  const status = error.status;
  const header = (name: string): string | undefined => {
    const value = response.headers[name];
    return value === undefined ? undefined : String(value);
  };
  const requestId = header("x-github-request-id");
  const detail = redactSecrets(githubMessage(response.data) ?? error.message).slice(0, 300);
  const cause = new GitHubRequestFailure(detail, method, url, status);
  const options = { cause, requestId };
  const isAppTokenRequest = /\/app\/installations\/[^/]+\/access_tokens$/.test(url);

  if (status === 401) {
    const what = isAppTokenRequest
      ? "GitHub rejected the GitHub App's JWT (401): check the app id and that the private key belongs to it"
      : "GitHub rejected the token (401 Bad credentials): check that it is valid and not revoked";
    return new GitHubAuthError(`${what} (while ${context.action})`, status, options);
  }
  if (status === 403 || status === 429) {
    if (SECONDARY_LIMIT.test(detail)) {
      const after = Number(header("retry-after")) || SECONDARY_FALLBACK_SECONDS;
      return new RateLimitError(
        `GitHub secondary rate limit hit while ${context.action}: retry after ${after} s`,
        status,
        after,
        options,
      );
    }
    if (header("x-ratelimit-remaining") === "0") {
      const reset = Number(header("x-ratelimit-reset"));
      const after = Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : undefined;
      const when = after === undefined ? "" : `: it resets in ${after} s`;
      return new RateLimitError(`GitHub API rate limit exhausted while ${context.action}${when}`, status, after, options);
    }
    if (status === 429) {
      const after = Number(header("retry-after")) || undefined;
      return new RateLimitError(`GitHub rate-limited ${context.action} (429)`, status, after, options);
    }
    const where = context.path ? ` on ${describeGitHubPath(context.path)}` : "";
    return new GitHubAuthError(
      `GitHub refused ${context.action}${where} (403 ${detail}): the token ${PERMISSIONS}`,
      status,
      options,
    );
  }
  if (status === 404) {
    if (isAppTokenRequest) {
      return new GitHubAuthError(
        `GitHub found no installation of the GitHub App at ${url} (404): check the installation id`,
        status,
        options,
      );
    }
    const what = context.path ? describeGitHubPath(context.path) : url;
    return new GitHubApiError(
      `GitHub found no ${what} (404) while ${context.action}: check the name, and that the token can see it ` +
        "(GitHub answers 404 rather than 403 when it may not)",
      status,
      { ...options, code: "github_not_found" },
    );
  }
  const id = requestId ? `; request id ${requestId}` : "";
  return new GitHubApiError(`GitHub answered ${status} while ${context.action}: ${detail}${id}`, status, options);
}

/** Removes tokens, JWTs, authorization values and JIT configs from a text (defence in depth). */
export function redactSecrets(text: string): string {
  return (
    text
      // Token formats: https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
      .replace(/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]+/g, "$1[REDACTED]")
      .replace(/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, "[REDACTED-JWT]")
      // A credential after its scheme; 20+ characters so prose such as "token provided" survives.
      .replace(/\b(bearer|token|basic)\s+[A-Za-z0-9_.+/=-]{20,}/gi, "$1 [REDACTED]")
      .replace(/("?(?:encoded_jit_config|jitconfig|authorization)"?\s*[:=]\s*"?)[^\s"',}]+/gi, "$1[REDACTED]")
  );
}

// --- internal ---

function redactUrl(url: string): string {
  return redactSecrets(url.replace(/([?&](?:access_token|client_secret|token)=)[^&]*/gi, "$1[REDACTED]"));
}

function githubMessage(data: unknown): string | undefined {
  if (typeof data === "object" && data !== null && "message" in data && typeof data.message === "string") {
    return data.message;
  }
  return typeof data === "string" && data !== "" ? data : undefined;
}
