/**
 * Console marker lines the simulated runner writes to its VM's serial console
 * (docs/console-markers.md). Apart from the REST shapes so that the world, which writes them,
 * and github-shapes.ts, which reads the world, never import each other.
 */
import type { SandboxJob } from "./github-state.js";

/** The `pre-job` console marker line of docs/console-markers.md for a job starting at `now`. */
export function preJobMarker(job: SandboxJob, now: number): string {
  const fields = {
    timestamp: Math.floor(now / 1000),
    workflow: job.workflow,
    repository: job.repository,
    event: job.event,
    workflow_run_id: String(job.runId),
  };
  return `RUNNER_FLEET_MARKER pre-job ${JSON.stringify(fields)}`;
}
