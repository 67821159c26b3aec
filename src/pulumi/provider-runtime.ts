/**
 * What the providers do in the engine's provider process: build a manager from the stored
 * inputs, log to stderr (the engine shows it), never leak a secret.
 */
import type { FleetManager } from "../fleet/create-runner-manager.js";
import { describeError } from "../manager/errors.js";
import { JsonLinesMetricsFile } from "../manager/metrics-file.js";
import { formatEvent, type MetricEvent, type MetricsSink } from "../manager/metrics.js";
import { validateSpec } from "../manager/spec.js";
import type { Logger } from "../manager/ports.js";
import { HealthState } from "../manager/types.js";
import { type PoolCounts, type PoolInputs, specOf } from "./pool-inputs.js";

/** Lines the engine passes through from the provider process to the user's terminal. */
export const stderrLogger: Logger = {
  debug() {},
  info: (message, fields) => write("info", message, fields),
  warn: (message, fields) => write("warning", message, fields),
  error: (message, fields) => write("error", message, fields),
};

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  const detail = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
  process.stderr.write(`runner-fleet ${level}: ${message}${detail}\n`);
}

/** Metric events become log lines too (SPEC §4), besides the configured file. */
function metricsSink(file: MetricsSink | undefined): MetricsSink {
  return {
    async issue(event: MetricEvent) {
      process.stderr.write(`runner-fleet metric: ${formatEvent(event)}\n`);
      await file?.issue(event);
    },
  };
}

/**
 * A manager for the pool the inputs describe. The GitHub and OpenStack clients are loaded on first
 * use: `check` and `diff` of an unchanged fleet (every `pulumi preview`) never need them.
 */
export async function managerFor(inputs: PoolInputs): Promise<FleetManager> {
  const spec = validateSpec(specOf(inputs), process.env);
  const { createFleetManager } = await import("../fleet/create-runner-manager.js");
  const file = spec.metricsFile ? new JsonLinesMetricsFile(spec.metricsFile) : undefined;
  return createFleetManager(spec, { env: process.env, logger: stderrLogger, metrics: metricsSink(file) });
}

/**
 * Observed counts and names of the fleet's live runners: VMs that cleanup would remove (stopped
 * after their one job, ERROR, timed out) no longer count, so consumed runners show as drift; they
 * are counted apart as `stale`, so they are drift too when the live count is right (a scale-down
 * kept busy runners, whose jobs then consumed them).
 */
export async function observeFleet(fleet: FleetManager): Promise<{ observed: PoolCounts; runnerNames: string[]; stale: number }> {
  const all = await fleet.manager.getRunners();
  const runners = all.filter((r) => r.health !== HealthState.Unhealthy);
  const observed: PoolCounts = { total: runners.length, idle: 0, busy: 0, offline: 0 };
  for (const r of runners) if (r.githubState) observed[r.githubState]++;
  return { observed, runnerNames: runners.map((r) => r.name).sort(), stale: all.length - runners.length };
}

/** An error the engine records against a created resource ("created but failed to initialize"). */
export function initError(id: string, properties: object, message: string): Error {
  return Object.assign(new Error(message), { id, properties, reasons: [message] });
}

/** A one-line, secret-free reason. */
export const reason = describeError;
