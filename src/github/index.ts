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
export { ActionsAuth, ADMIN_TOKEN_MARGIN_MS, expiryOf, type ActionsAuthOptions, type ActionsCredentials } from "./actions-auth.js";
export { ActionsClient, type ActionsClientOptions, type ScaleSetDefinition } from "./actions-client.js";
export { ACTIONS_API_VERSION, actionsUserAgent, configUrlOf } from "./actions-config.js";
export { ActionsServiceError, isActionsError, type ActionsErrorCode } from "./actions-errors.js";
export { DEFAULT_RETRY as ACTIONS_DEFAULT_RETRY, type RetryPolicy, type TransportOptions } from "./actions-transport.js";
export { ActionsScaleSetService, ActionsScaleSetSession, type ScaleSetServiceOptions } from "./scale-set-service.js";
export { ScaleSetPlatform, type ScaleSetPlatformOptions } from "./scale-set-platform.js";
export { createScaleSetAdapters, type CreateScaleSetAdaptersOptions, type ScaleSetAdapters } from "./scale-set-adapters.js";
