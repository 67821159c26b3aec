/** Parses the metric markers that runner VMs write to their serial console (docs/console-markers.md). */

const MARKER = /RUNNER_FLEET_MARKER (installed|pre-job|post-job) (\{.*\})\s*$/;

/** What a VM's console says about its runner's life. */
export interface ConsoleMetrics {
  installed?: { timestamp: number };
  preJob?: { timestamp: number; workflow: string; repository: string; event: string; workflowRunId: string };
  postJob?: { timestamp: number; status: string; statusInfo?: { code: number } };
}

/** Reads the last valid marker of each kind; malformed lines are skipped, unknown fields ignored. */
export function parseConsoleMarkers(output: string): ConsoleMetrics {
  const metrics: ConsoleMetrics = {};
  for (const line of output.split(/\r?\n/)) {
    const match = MARKER.exec(line);
    if (!match) continue;
    const fields = parseObject(match[2] as string);
    const timestamp = fields?.["timestamp"];
    if (!fields || typeof timestamp !== "number" || !Number.isFinite(timestamp) || timestamp < 0) continue;
    switch (match[1]) {
      case "installed":
        metrics.installed = { timestamp };
        break;
      case "pre-job":
        metrics.preJob = {
          timestamp,
          workflow: text(fields["workflow"]),
          repository: text(fields["repository"]),
          event: text(fields["event"]),
          workflowRunId: text(fields["workflow_run_id"]),
        };
        break;
      case "post-job": {
        const info = fields["status_info"];
        const code = isRecord(info) && typeof info["code"] === "number" ? info["code"] : undefined;
        metrics.postJob = {
          timestamp,
          status: text(fields["status"]) || "normal",
          ...(code === undefined ? {} : { statusInfo: { code } }),
        };
        break;
      }
    }
  }
  return metrics;
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}
