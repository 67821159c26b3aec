/**
 * The fleet `runner-fleet serve` keeps matched to demand, from a fleet file: its spec and serve
 * config (the `serve:` section with the command's flags over it). serve-stack.ts does the same
 * from a Pulumi stack.
 */
import type { FleetSpec } from "../manager/spec.js";
import { type ServeConfig, validateServeConfig } from "../serve/config.js";
import { loadFleetFile, type ServeSections } from "./fleet-file.js";
import type { CliIo } from "./io.js";

/** A fleet to serve, and how to re-read its autoscale settings when they can change. */
export interface ServedFleet {
  spec: FleetSpec;
  config: ServeConfig;
  reload?: () => Promise<ServeConfig["autoscale"]>;
}

/** Merges the flags over the file's `serve:` section (flags win). */
export function withFlags(sections: ServeSections, flags: Record<string, unknown>): ServeSections {
  const serve = { ...(typeof sections.serve === "object" && sections.serve !== null ? (sections.serve as Record<string, unknown>) : {}) };
  for (const [key, value] of Object.entries(flags)) {
    serve[key] = key === "webhook" ? { ...(serve["webhook"] as object | undefined), ...(value as object) } : value;
  }
  return { ...sections, serve };
}

/** The fleet of a fleet file, its `serve:` section merged with the flags. */
export async function openFileFleet(file: string, flags: Record<string, unknown>, io: CliIo): Promise<ServedFleet> {
  let config: ServeConfig | undefined;
  const { spec } = await loadFleetFile(file, {
    cwd: io.cwd,
    env: io.env,
    sections: (sections, spec) => {
      try {
        config = validateServeConfig(withFlags(sections, flags), spec?.prefix ?? "fleet", io.env);
        return [];
      } catch (error) {
        if (error instanceof Error && "problems" in error) return (error as { problems: { path: string; message: string }[] }).problems;
        throw error;
      }
    },
  });
  return { spec, config: config! };
}
