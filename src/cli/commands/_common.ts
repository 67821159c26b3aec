/** What every fleet command shares: the common flags and opening the fleet from its file. */
import { createFleetManager, type FleetManager } from "../../fleet/create-runner-manager.js";
import { ConfigError } from "../../manager/errors.js";
import type { Logger } from "../../manager/ports.js";
import { DEFAULT_FLEET_FILE, loadFleetFile } from "../fleet-file.js";
import type { CliIo } from "../io.js";
import { createHumanLogger } from "../logger.js";
import { Progress } from "../progress.js";

/** `--config`, `--json`, `--verbose`: taken by every command that works on a fleet. */
export const commonArgs = {
  config: { type: "string", alias: "c", description: "Fleet file (YAML)", default: DEFAULT_FLEET_FILE, valueHint: "fleet.yaml" },
  json: { type: "boolean", description: "Print JSON instead of tables", default: false },
  verbose: { type: "boolean", description: "Log every step; print stack traces with errors", default: false },
} as const;

/** `--verbose` and `--json` as a command receives them. */
export interface OutputFlags {
  json?: boolean;
  verbose?: boolean;
}

/** A fleet opened from its file, with the progress line the command reports through. */
export interface OpenedFleet extends FleetManager {
  progress: Progress;
}

/** A progress line plus a logger printing through it (warnings always, the rest with `--verbose`). */
export function reporting(io: CliIo, flags: OutputFlags): { progress: Progress; logger: Logger } {
  const progress = new Progress(io);
  const logger = createHumanLogger({ print: (line) => progress.print(line), verbose: flags.verbose ?? false });
  return { progress, logger };
}

/** Loads the fleet file named by `--config` and builds its manager (no API call yet). */
export async function openFleet(args: OutputFlags & { config?: string }, io: CliIo): Promise<OpenedFleet> {
  const { spec } = await loadFleetFile(args.config ?? DEFAULT_FLEET_FILE, io);
  const { progress, logger } = reporting(io, args);
  return { ...createFleetManager(spec, { env: io.env, cwd: io.cwd, logger, ...io.runtime }), progress };
}

/** Refuses a fleet size above the file's `maxRunners`, before anything is created. */
export function assertWithinMax(fleet: FleetManager, total: number, flag: string): void {
  const max = fleet.spec.maxRunners;
  if (max !== undefined && total > max) {
    throw new ConfigError([{ path: flag, message: `would bring the fleet to ${total} runners, above maxRunners (${max})` }]);
  }
}

/** Milliseconds since `start`, for the totals lines. */
export function since(start: number): number {
  return Date.now() - start;
}
