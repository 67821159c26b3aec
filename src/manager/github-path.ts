/** Parsing and printing of GitHub paths: `owner/repo`, `org` and `enterprise:slug` (SPEC §7). */
import { ConfigError } from "./errors.js";
import type { GitHubPath } from "./types.js";

const USAGE = "use 'org' or 'owner/repo' or 'enterprise:slug'";
const ENTERPRISE_PREFIX = "enterprise:";

// GitHub user and organization names: alphanumerics and single hyphens, no hyphen at either end,
// at most 39 characters (the rule github.com's sign-up form enforces).
const ACCOUNT_PATTERN = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*$/;
const ACCOUNT_MAX = 39;
// Repository names: ASCII letters, digits, `.`, `_` and `-`, at most 100 characters; GitHub
// replaces anything else with `-` when a repository is created.
const REPO_PATTERN = /^[A-Za-z0-9._-]+$/;
const REPO_MAX = 100;
// Enterprise slugs are lowercase URL slugs in practice; accept any case, hyphens inside only.
const ENTERPRISE_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const ENTERPRISE_MAX = 100;

/**
 * Parses a GitHub path: `owner/repo` is a repository, `org` an organization (whose runners join
 * `runnerGroup`), `enterprise:slug` an enterprise. Throws `ConfigError` saying what to write instead.
 */
export function parseGitHubPath(input: string, runnerGroup = "default"): GitHubPath {
  // Surrounding whitespace comes from env files and YAML block scalars; it is never meant.
  const text = input.trim();
  const fail: (why: string) => never = (why) => {
    throw new ConfigError([{ path: "github.path", message: `'${input}' is not a GitHub path: ${why}` }]);
  };
  if (text === "") fail(USAGE);
  if (/^https?:\/\//i.test(text)) fail(`write the path without the URL, e.g. 'owner/repo' (${USAGE})`);
  if (/\s/.test(text)) fail(`it contains whitespace (${USAGE})`);

  if (text.toLowerCase().startsWith(ENTERPRISE_PREFIX)) {
    const enterprise = text.slice(ENTERPRISE_PREFIX.length);
    if (enterprise === "") fail("'enterprise:' needs the enterprise's slug, e.g. 'enterprise:acme-corp'");
    if (enterprise.length > ENTERPRISE_MAX || !ENTERPRISE_PATTERN.test(enterprise)) {
      fail(`the enterprise slug '${enterprise}' may only hold letters, digits and inner hyphens`);
    }
    return { kind: "enterprise", enterprise, runnerGroup: checkGroup(runnerGroup) };
  }
  if (text.includes(":")) fail(USAGE);

  if (text.includes("/")) {
    // Like upstream's parse_github_path, a leading or trailing `/` is tolerated, nothing else.
    const segments = text.replace(/^\//, "").replace(/\/$/, "").split("/");
    const [owner, repo] = segments;
    if (segments.length !== 2 || !owner || !repo) fail(USAGE);
    checkAccount(owner, "owner", fail);
    if (repo.length > REPO_MAX || !REPO_PATTERN.test(repo) || repo === "." || repo === "..") {
      fail(`the repository name '${repo}' may only hold letters, digits, '.', '_' and '-' (at most ${REPO_MAX})`);
    }
    return { kind: "repo", owner, repo };
  }

  checkAccount(text, "organization", fail);
  return { kind: "org", org: text, runnerGroup: checkGroup(runnerGroup) };
}

/** Prints a path the way `parseGitHubPath` reads it. */
export function formatGitHubPath(path: GitHubPath): string {
  switch (path.kind) {
    case "repo":
      return `${path.owner}/${path.repo}`;
    case "org":
      return path.org;
    case "enterprise":
      return `${ENTERPRISE_PREFIX}${path.enterprise}`;
  }
}

/** Describes a path for messages: "repository 'acme/widgets'", "organization 'acme'", ... */
export function describeGitHubPath(path: GitHubPath): string {
  const kind = { repo: "repository", org: "organization", enterprise: "enterprise" }[path.kind];
  return `${kind} '${path.kind === "enterprise" ? path.enterprise : formatGitHubPath(path)}'`;
}

// --- internal ---

function checkAccount(name: string, what: string, fail: (why: string) => never): void {
  if (name.length > ACCOUNT_MAX || !ACCOUNT_PATTERN.test(name)) {
    fail(
      `the ${what} name '${name}' may only hold letters, digits and single inner hyphens ` +
        `(at most ${ACCOUNT_MAX}); ${USAGE}`,
    );
  }
}

function checkGroup(runnerGroup: string): string {
  const group = runnerGroup.trim();
  if (group === "") {
    throw new ConfigError([{ path: "github.runnerGroup", message: "the runner group name is empty: omit it to use 'default'" }]);
  }
  return group;
}
