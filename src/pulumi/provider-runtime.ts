/**
 * What the providers do in the engine's provider process: build a manager from the stored
 * inputs, log to stderr (the engine shows it), never leak a secret.
 */
import type { FleetManager } from "../fleet/create-runner-manager.js";
import type { ScaleSetRemoval } from "../fleet/scale-set-deletion.js";
import { declaredScaleSet, scaleSetLabels } from "../fleet/scale-set-fleet.js";
import type { ScaleSetAdapters } from "../github/scale-set-adapters.js";
import { describeError } from "../manager/errors.js";
import { JsonLinesMetricsFile } from "../manager/metrics-file.js";
import { formatEvent, type MetricEvent, type MetricsSink } from "../manager/metrics.js";
import { type FleetSpec, validateSpec } from "../manager/spec.js";
import type { Logger } from "../manager/ports.js";
import { type PoolInputs, specOf } from "./pool-inputs.js";

/** Lines the engine passes through from the provider process to the user's terminal. */
export const stderrLogger: Logger = {
  debug() {},
  info: (message, fields) => write("info", message, fields),
  warn: (message, fields) => write("warning", message, fields),
  error: (message, fields) => write("error", message, fields),
};

/**
 * The manager's logger in the provider: its warnings and errors, not its line per created or
 * deleted runner (the provider says what an apply did in one sentence; pool-apply.ts).
 */
const managerLogger: Logger = { ...stderrLogger, info() {} };

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
export async function managerFor(inputs: PoolInputs): Promise<FleetManager & { scaleSet?: ScaleSetRemoval }> {
  const spec = validateSpec(specOf(inputs), process.env);
  const { createFleetManager } = await import("../fleet/create-runner-manager.js");
  const file = spec.metricsFile ? new JsonLinesMetricsFile(spec.metricsFile) : undefined;
  const adapters = await scaleSetAdapters(spec, inputs);
  const fleet = createFleetManager(spec, { env: process.env, logger: managerLogger, metrics: metricsSink(file), ...(adapters ? { platform: adapters.platform } : {}) });
  // Destroy deletes the scale set with the same service, so its token chain runs once.
  return adapters ? { ...fleet, scaleSet: adapters.service } : fleet;
}

/**
 * A fleet that declares its scale set registers the runners `up` makes (the floor) in it: a
 * runner registered on the REST path never takes a job GitHub routes to the scale set.
 */
async function scaleSetAdapters(spec: FleetSpec, inputs: PoolInputs): Promise<ScaleSetAdapters | undefined> {
  const scaleSet = declaredScaleSet(spec.prefix, inputs.autoscale);
  if (!scaleSet) return undefined;
  const { createScaleSetDemandAdapters } = await import("../fleet/demand-adapters.js");
  const labels = scaleSetLabels(scaleSet.name, spec.labels);
  return createScaleSetDemandAdapters(spec, { ...scaleSet, labels }, { logger: managerLogger });
}

/** An error the engine records against a created resource ("created but failed to initialize"). */
export function initError(id: string, properties: object, message: string): Error {
  return Object.assign(new Error(message), { id, properties, reasons: [message] });
}

/** A one-line, secret-free reason. */
export const reason = describeError;
