import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactSecrets, translateGitHubError } from "../../../src/github/errors.js";
import { GitHubApiError, GitHubAuthError, RateLimitError } from "../../../src/manager/errors.js";
import type { GitHubPath } from "../../../src/manager/types.js";

const TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const repo: GitHubPath = { kind: "repo", owner: "acme", repo: "widgets" };
const org: GitHubPath = { kind: "org", org: "acme", runnerGroup: "default" };

/** Builds what Octokit throws: a RequestError carrying the request with its credentials. */
function requestError(status: number, data: unknown, headers: Record<string, string> = {}, url = "https://api.github.com/orgs/acme/actions/runners") {
  const message = typeof data === "object" && data && "message" in data ? String(data.message) : "error";
  return Object.assign(new Error(message), {
    name: "HttpError",
    status,
    request: { method: "GET", url, headers: { authorization: `token ${TOKEN}` }, body: '{"encoded_jit_config":"c2VjcmV0"}' },
    response: { url, status, headers: { "x-github-request-id": "ABCD:1234", ...headers }, data },
  });
}

describe("translateGitHubError", () => {
  const inOneMinute = String(Math.floor(Date.now() / 1000) + 60);
  it.each([
    { name: "401 as a bad token", error: requestError(401, { message: "Bad credentials" }), type: GitHubAuthError, says: "GitHub rejected the token (401 Bad credentials): check that it is valid and not revoked" },
    { name: "401 on the App token request as a bad JWT", error: requestError(401, { message: "A JSON web token could not be decoded" }, {}, "https://api.github.com/app/installations/7/access_tokens"), type: GitHubAuthError, says: "check the app id" },
    { name: "403 with no remaining quota as a primary rate limit", error: requestError(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": inOneMinute }), type: RateLimitError, says: "rate limit exhausted while listing runners: it resets in" },
    { name: "403 mentioning a secondary rate limit", error: requestError(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "17" }), type: RateLimitError, says: "retry after 17 s" },
    { name: "429 with retry-after", error: requestError(429, { message: "Too many requests" }, { "retry-after": "5" }), type: RateLimitError, says: "(429)" },
    { name: "other 403 as missing permissions", error: requestError(403, { message: "Resource not accessible by integration" }), type: GitHubAuthError, says: "needs admin:org or organization_self_hosted_runners: write for org runners; repo Administration write for repo runners" },
    { name: "404 naming the organization", error: requestError(404, { message: "Not Found" }), type: GitHubApiError, says: "GitHub found no organization 'acme' (404)" },
    { name: "404 on the App token request as a bad installation", error: requestError(404, { message: "Not Found" }, {}, "https://api.github.com/app/installations/7/access_tokens"), type: GitHubAuthError, says: "check the installation id" },
    { name: "500 with its status and request id", error: requestError(500, { message: "Server Error" }), type: GitHubApiError, says: "GitHub answered 500 while listing runners: Server Error; request id ABCD:1234" },
  ])("translates $name", ({ error, type, says }) => {
    const translated = translateGitHubError(error, { action: "listing runners", path: org });
    expect(translated).toBeInstanceOf(type);
    expect(translated.message).toContain(says);
    expect((translated as GitHubApiError).requestId).toBe("ABCD:1234");
  });

  it("gives the retry-after of a secondary limit and the reset of a primary one", () => {
    const secondary = translateGitHubError(requestError(403, { message: "secondary rate limit" }, { "retry-after": "3" }), { action: "x" });
    expect((secondary as RateLimitError).retryAfterSeconds).toBe(3);
    const primary = translateGitHubError(requestError(429, { message: "limit" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": inOneMinute }), { action: "x" });
    expect((primary as RateLimitError).retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect((primary as RateLimitError).retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("names the repository when a repo path is not found", () => {
    const translated = translateGitHubError(requestError(404, { message: "Not Found" }), { action: "listing runners", path: repo });
    expect(translated.message).toContain("repository 'acme/widgets'");
    expect(translated.code).toBe("github_not_found");
  });

  it("reports a network failure with status 0", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { status: 500, request: { method: "GET", url: "http://127.0.0.1:1/orgs/acme/actions/runners", headers: { authorization: `token ${TOKEN}` } } });
    const translated = translateGitHubError(error, { action: "listing runners" });
    expect(translated).toBeInstanceOf(GitHubApiError);
    expect((translated as GitHubApiError).status).toBe(0);
    expect(translated.message).toBe("could not reach GitHub (GET http://127.0.0.1:1/orgs/acme/actions/runners) while listing runners: connect ECONNREFUSED 127.0.0.1:1");
  });

  it("keeps no token, authorization header or request body anywhere in the translated error", () => {
    const error = requestError(500, { message: `boom for token ${TOKEN} and bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.c2lnbmF0dXJl` });
    const translated = translateGitHubError(error, { action: "listing runners" });
    const everything = inspect(translated, { depth: 10, showHidden: true }) + JSON.stringify(translated) + JSON.stringify(translated.cause);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain("eyJpc3MiOjF9");
    expect(everything).not.toContain("c2VjcmV0");
    expect(everything).not.toMatch(/authorization/i);
    expect(translated.cause).not.toBe(error);
  });

  it("returns runner-fleet errors unchanged", () => {
    const error = new GitHubApiError("already translated", 502);
    expect(translateGitHubError(error, { action: "x" })).toBe(error);
  });
});

describe("redactSecrets", () => {
  it.each([
    { name: "a classic PAT", text: `use ${TOKEN}`, expected: "use ghp_[REDACTED]" },
    { name: "a fine-grained PAT", text: "github_pat_11ABCDEFG0123456789_abcdef", expected: "github_pat_[REDACTED]" },
    { name: "an installation token", text: "token ghs_abcdefghijklmnopqrstuvwxyz0123", expected: "token ghs_[REDACTED]" },
    { name: "a JIT config field", text: '{"encoded_jit_config":"eyJhIjoxfQ=="}', expected: '{"encoded_jit_config":"[REDACTED]"}' },
    { name: "prose mentioning a token", text: "the token provided has expired", expected: "the token provided has expired" },
  ])("redacts $name", ({ text, expected }) => {
    expect(redactSecrets(text)).toBe(expected);
  });
});
