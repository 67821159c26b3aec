/** The GitHub adapter: path parsing, the Octokit client and the `RunnerPlatform` implementation. */
export { createOctokit, type GitHubClient, type GitHubClientOptions } from "./client.js";
export { translateGitHubError, redactSecrets, type GitHubErrorContext } from "./errors.js";
export { parseGitHubPath, formatGitHubPath, describeGitHubPath } from "../manager/github-path.js";
export {
  GitHubPlatform,
  createGitHubPlatform,
  type GitHubPlatformOptions,
  type CreateGitHubPlatformOptions,
} from "./platform.js";
