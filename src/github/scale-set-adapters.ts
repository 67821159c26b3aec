/**
 * Composition of a scale-set fleet's GitHub side on one Octokit: the Actions service client,
 * the listener's `ScaleSetService` and the manager's `ScaleSetPlatform`, sharing one scale set.
 */
import type { GitHubPath } from "../manager/types.js";
import { ActionsClient } from "./actions-client.js";
import { createOctokit, type GitHubClient, type GitHubClientOptions } from "./client.js";
import { GitHubPlatform } from "./platform.js";
import { ScaleSetPlatform } from "./scale-set-platform.js";
import { ActionsScaleSetService } from "./scale-set-service.js";
import type { TransportOptions } from "./actions-transport.js";

/** Options of `createScaleSetAdapters`: the Octokit's (or one), the path and the scale set. */
export interface CreateScaleSetAdaptersOptions extends GitHubClientOptions {
  path: GitHubPath;
  /** The scale set's name (the fleet's); unique within its runner group. */
  scaleSetName: string;
  /** Label names of the scale set (default its name). */
  labels?: string[];
  /** An existing client of the same credentials, instead of a new one. */
  octokit?: GitHubClient;
  /** Overrides the config URL derived from `path` and `apiUrl` (reference §1.1). */
  configUrl?: string;
  longPollTimeoutMs?: number;
  /** Retry policy of Actions service calls (tests shrink it). */
  actionsRetry?: TransportOptions["retry"];
}

/** The GitHub side of a scale-set fleet. */
export interface ScaleSetAdapters {
  client: ActionsClient;
  service: ActionsScaleSetService;
  platform: ScaleSetPlatform;
}

/** Builds the client, the service and the platform of one scale-set fleet. */
export function createScaleSetAdapters(options: CreateScaleSetAdaptersOptions): ScaleSetAdapters {
  const { path, scaleSetName, labels, logger, configUrl, longPollTimeoutMs, actionsRetry } = options;
  const octokit = options.octokit ?? createOctokit(options);
  const client = new ActionsClient({
    octokit,
    path,
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(configUrl ? { configUrl } : {}),
    ...(longPollTimeoutMs ? { longPollTimeoutMs } : {}),
    ...(actionsRetry ? { retry: actionsRetry } : {}),
    ...(logger ? { logger } : {}),
  });
  // Repository runners can only join the default group (id 1).
  const runnerGroup = path.kind === "repo" ? "default" : path.runnerGroup;
  const service = new ActionsScaleSetService({ client, name: scaleSetName, runnerGroup, ...(labels ? { labels } : {}), ...(logger ? { logger } : {}) });
  const rest = new GitHubPlatform({ octokit, path, ...(logger ? { logger } : {}) });
  const platform = new ScaleSetPlatform({ client, service, rest, ...(logger ? { logger } : {}) });
  return { client, service, platform };
}
