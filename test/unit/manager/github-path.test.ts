import { describe, expect, it } from "vitest";
import { formatGitHubPath, parseGitHubPath } from "../../../src/manager/github-path.js";
import { ConfigError } from "../../../src/manager/errors.js";
import type { GitHubPath } from "../../../src/manager/types.js";

describe("parseGitHubPath", () => {
  it.each<{ name: string; input: string; group?: string; expected: GitHubPath }>([
    { name: "owner/repo", input: "acme/widgets", expected: { kind: "repo", owner: "acme", repo: "widgets" } },
    { name: "a leading slash", input: "/acme/widgets", expected: { kind: "repo", owner: "acme", repo: "widgets" } },
    { name: "a trailing slash", input: "acme/widgets/", expected: { kind: "repo", owner: "acme", repo: "widgets" } },
    { name: "repo names with dots, dashes and underscores", input: "a-b/.github_x-1.0", expected: { kind: "repo", owner: "a-b", repo: ".github_x-1.0" } },
    { name: "an org with the default group", input: "acme", expected: { kind: "org", org: "acme", runnerGroup: "default" } },
    { name: "an org with a named group", input: "acme", group: "gpu", expected: { kind: "org", org: "acme", runnerGroup: "gpu" } },
    { name: "a 39-character org", input: "a".repeat(39), expected: { kind: "org", org: "a".repeat(39), runnerGroup: "default" } },
    { name: "an enterprise", input: "enterprise:acme-corp", expected: { kind: "enterprise", enterprise: "acme-corp", runnerGroup: "default" } },
    { name: "surrounding whitespace", input: "  acme/widgets\n", expected: { kind: "repo", owner: "acme", repo: "widgets" } },
  ])("parses $name", ({ input, group, expected }) => {
    expect(parseGitHubPath(input, group)).toStrictEqual(expected);
  });

  it.each<{ name: string; input: string; says: string }>([
    { name: "three segments", input: "a/b/c", says: "'a/b/c' is not a GitHub path: use 'org' or 'owner/repo' or 'enterprise:slug'" },
    { name: "an empty string", input: "", says: "use 'org' or 'owner/repo'" },
    { name: "only whitespace", input: "   ", says: "use 'org' or 'owner/repo'" },
    { name: "a lone slash", input: "/", says: "use 'org'" },
    { name: "an empty repo", input: "acme//", says: "use 'org'" },
    { name: "an empty owner", input: "//widgets", says: "use 'org'" },
    { name: "inner spaces", input: "ac me/widgets", says: "whitespace" },
    { name: "an enterprise without slug", input: "enterprise:", says: "needs the enterprise's slug" },
    { name: "an enterprise slug with a slash", input: "enterprise:a/b", says: "enterprise slug 'a/b'" },
    { name: "another prefix", input: "org:acme", says: "use 'org' or 'owner/repo'" },
    { name: "a URL", input: "https://github.com/acme/widgets", says: "without the URL" },
    { name: "a double hyphen", input: "ac--me", says: "single inner hyphens" },
    { name: "a leading hyphen", input: "-acme/widgets", says: "owner name '-acme'" },
    { name: "a 40-character org", input: "a".repeat(40), says: "at most 39" },
    { name: "a repo with invalid characters", input: "acme/wid@gets", says: "repository name 'wid@gets'" },
    { name: "a 101-character repo", input: `acme/${"r".repeat(101)}`, says: "at most 100" },
    { name: "the repo '..'", input: "acme/..", says: "repository name '..'" },
  ])("rejects $name with a ConfigError saying what to write", ({ input, says }) => {
    const error = captureError(() => parseGitHubPath(input));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(says);
    expect((error as ConfigError).problems[0]?.path).toBe("github.path");
  });

  it("rejects an empty runner group for an org", () => {
    expect(() => parseGitHubPath("acme", " ")).toThrow(/runner group name is empty/);
  });
});

describe("formatGitHubPath", () => {
  it.each(["acme/widgets", "acme", "enterprise:acme-corp"])("round-trips %s", (input) => {
    expect(formatGitHubPath(parseGitHubPath(input))).toBe(input);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
