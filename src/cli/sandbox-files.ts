/**
 * The files that point runner-fleet at a sandbox: its clouds.yaml and a ready-to-use fleet file.
 * `runner-fleet sandbox` writes them for people; `runner-fleet demo` for itself, so both go
 * through the same fleet-file loading a real deployment does.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Sandbox } from "../sandbox/index.js";
import type { FleetFileData, ServeSections } from "./fleet-file.js";

/** What the written fleet file describes. */
export interface SandboxFleetOptions {
  prefix: string;
  runners: number;
  /** `owner/repo` (or `org`) the runners register to. */
  repository: string;
  /** Metric events file, relative to the fleet file. */
  metricsFile?: string;
  /** Adds `autoscale:` and `serve:` sections for `runner-fleet serve` on this address, with this webhook secret. */
  serve?: { listen: string; secret: string };
}

/** Where the files were written. */
export interface SandboxFiles {
  cloudsYaml: string;
  fleetYaml: string;
}

/** The fleet file's content (with `openstack.cloudsYamlFile`, which fleet-file.ts resolves). */
export function sandboxFleetInput(sandbox: Sandbox, o: SandboxFleetOptions): FleetFileData & ServeSections {
  return {
    prefix: o.prefix,
    runners: o.runners,
    // The sandbox seeds these (src/sandbox/openstack-seed.ts).
    image: "ubuntu-24.04",
    flavor: "m1.small",
    network: "runners-net",
    github: { path: o.repository, apiUrl: sandbox.githubUrl, token: sandbox.githubToken },
    openstack: { cloud: sandbox.cloudName, cloudsYamlFile: "clouds.yaml" },
    ...(o.metricsFile ? { metricsFile: o.metricsFile } : {}),
    ...(o.serve
      ? {
          // One idle runner waits for the next job; the rest follow demand, up to 10, and idle
          // ones retire after a minute (short, so the sandbox shows it).
          autoscale: { minIdle: 1, max: 10, idleTimeoutSeconds: 60 },
          // serve registers the sandbox's hook to its own /webhook at start (the same path as
          // --register-webhook against GitHub).
          serve: { listen: o.serve.listen, store: "demand.sqlite", webhook: { secret: o.serve.secret, url: `http://${o.serve.listen}/webhook`, register: true } },
        }
      : {}),
  };
}

/** Writes `clouds.yaml` and `fleet.yaml` into `dir` (created if needed). */
export async function writeSandboxFiles(dir: string, sandbox: Sandbox, options: SandboxFleetOptions): Promise<SandboxFiles> {
  await mkdir(dir, { recursive: true });
  const files = { cloudsYaml: join(dir, "clouds.yaml"), fleetYaml: join(dir, "fleet.yaml") };
  const header = [
    "# A fleet on the runner-fleet sandbox (written by runner-fleet; rewritten on each start).",
    "# The sandbox's token is a throwaway; never put a real token in a file you commit:",
    "# leave github.token out and set GITHUB_TOKEN instead.",
    "",
  ].join("\n");
  // mode 0600: both files hold credentials (sandbox ones, but the habit matters).
  await writeFile(files.cloudsYaml, sandbox.cloudsYaml, { mode: 0o600 });
  await writeFile(files.fleetYaml, header + stringify(sandboxFleetInput(sandbox, options)), { mode: 0o600 });
  return files;
}
