/** The GitHub adapter: path parsing, the Octokit client, the `RunnerPlatform` implementation and the demand room's ports. */
export { createOctokit, type GitHubClient, type GitHubClientOptions } from "./client.js";
export { translateGitHubError, redactSecrets, type GitHubErrorContext } from "./errors.js";
export { parseGitHubPath, formatGitHubPath, describeGitHubPath } from "../manager/github-path.js";
export {
  GitHubPlatform,
  createGitHubPlatform,
  type GitHubPlatformOptions,
  type CreateGitHubPlatformOptions,
} from "./platform.js";
export type { GitHubClientSource } from "./_hooks.js";
export { GitHubHookDeliveries, createHookDeliveries, type HookDeliveriesOptions } from "./hook-deliveries.js";
export { GitHubJobLookup, createJobLookup, type JobLookupOptions } from "./job-lookup.js";
export { ensureWorkflowJobHook, type EnsureWorkflowJobHookOptions, type EnsuredHook } from "./webhook-setup.js";
