/**
 * The GitHub side of `runner-fleet serve` for one fleet: its hook's deliveries (recovery of missed
 * ones), job lookups (the periodic reconcile of queued jobs) and the hook itself (registration).
 * Composition only: the adapters live in src/github, the ports in src/demand.
 */
import type { HookDeliveries, JobLookup } from "../demand/ports.js";
import { createOctokit } from "../github/client.js";
import { createScaleSetAdapters, type ScaleSetAdapters } from "../github/scale-set-adapters.js";
import { createHookDeliveries } from "../github/hook-deliveries.js";
import { createJobLookup } from "../github/job-lookup.js";
import { type EnsuredHook, ensureWorkflowJobHook } from "../github/webhook-setup.js";
import { type Logger, silentLogger } from "../manager/ports.js";
import type { FleetSpec } from "../manager/spec.js";
import type { RuntimeOptions } from "./create-runner-manager.js";

/** What serve needs from GitHub besides the runner registrations the manager makes. */
export interface DemandAdapters {
  /** Absent for enterprise fleets: GitHub has no enterprise webhook API. */
  deliveries?: HookDeliveries;
  jobs: JobLookup;
  /** Creates or updates the fleet's `workflow_job` hook at `url`, signed with `secret`. */
  ensureHook(url: string, secret: string): Promise<EnsuredHook>;
}

/** Builds the adapters on one Octokit client of the fleet's credentials. */
export function createDemandAdapters(spec: FleetSpec, runtime: Pick<RuntimeOptions, "githubFetch" | "timeoutMs"> & { logger?: Logger; hookUrl?: string } = {}): DemandAdapters {
  const logger = runtime.logger ?? silentLogger;
  const octokit = createOctokit({
    auth: spec.github.auth,
    ...(spec.github.apiUrl ? { apiUrl: spec.github.apiUrl } : {}),
    ...(runtime.githubFetch ? { fetch: runtime.githubFetch } : {}),
    ...(runtime.timeoutMs ? { timeoutMs: runtime.timeoutMs } : {}),
  });
  const path = spec.github.path;
  return {
    ...(path.kind === "enterprise" ? {} : { deliveries: createHookDeliveries({ octokit, path, logger, ...(runtime.hookUrl ? { hookUrl: runtime.hookUrl } : {}) }) }),
    jobs: createJobLookup({ octokit }),
    ensureHook: (url, secret) => ensureWorkflowJobHook({ octokit, path, url, secret, logger }),
  };
}

/** The GitHub side of a scale-set fleet: the listener's service and the manager's platform (JIT through the scale set). */
export function createScaleSetDemandAdapters(
  spec: FleetSpec,
  // Labels only matter where the scale set is ensured (serve); deleting it needs only its name.
  scaleSet: { name: string; runnerGroup?: string; labels?: string[] },
  runtime: Pick<RuntimeOptions, "githubFetch" | "timeoutMs"> & { logger?: Logger } = {},
): ScaleSetAdapters {
  const path = spec.github.path.kind === "repo" || !scaleSet.runnerGroup ? spec.github.path : { ...spec.github.path, runnerGroup: scaleSet.runnerGroup };
  return createScaleSetAdapters({
    auth: spec.github.auth,
    path,
    scaleSetName: scaleSet.name,
    ...(scaleSet.labels ? { labels: scaleSet.labels } : {}),
    ...(spec.github.apiUrl ? { apiUrl: spec.github.apiUrl } : {}),
    ...(runtime.githubFetch ? { fetch: runtime.githubFetch } : {}),
    ...(runtime.timeoutMs ? { timeoutMs: runtime.timeoutMs } : {}),
    ...(runtime.logger ? { logger: runtime.logger } : {}),
  });
}
