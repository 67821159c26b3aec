/** The seed's `RunnerManager(cloud, config, deps?)`: GitHub comes from `config` unless a platform is given. */
import { createGitHubPlatform } from "../github/platform.js";
import { RunnerManager as CoreRunnerManager, type RunnerManagerDeps } from "../manager/runner-manager.js";
import type { CloudRunnerManager } from "../manager/ports.js";
import type { RunnerManagerConfig } from "../manager/types.js";

/** A runner manager whose GitHub platform defaults to Octokit on `config.auth` and `config.path`. */
export class RunnerManager extends CoreRunnerManager {
  constructor(cloud: CloudRunnerManager, config: RunnerManagerConfig & { apiUrl?: string }, deps: Partial<RunnerManagerDeps> = {}) {
    const platform = deps.platform ?? createGitHubPlatform({ auth: config.auth, path: config.path, ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}), ...(deps.logger ? { logger: deps.logger } : {}) });
    super(cloud, config, { ...deps, platform });
  }
}
