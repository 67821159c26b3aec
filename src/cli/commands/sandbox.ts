/**
 * `runner-fleet sandbox`: the simulated GitHub and OpenStack on loopback, until stopped, plus a
 * clouds.yaml and a fleet file that point at them. Jobs are queued from another terminal with
 * `runner-fleet job --config <fleet> --count 2` (the sandbox's `POST /_sandbox/jobs`).
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { defineCommand } from "citty";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../sandbox/index.js";
import { parseCount } from "../duration.js";
import { ExitCode, UsageError } from "../errors.js";
import { displayPath } from "../fleet-file.js";
import { type CliIo, println } from "../io.js";
import { printJson } from "../output.js";
import { DEFAULT_LISTEN } from "../../serve/config.js";
import { writeSandboxFiles } from "../sandbox-files.js";

/** The `sandbox` command. */
export function sandboxCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "sandbox", description: "Run a simulated GitHub and OpenStack on loopback and write a fleet file for them" },
    args: {
      dir: { type: "string", default: ".sandbox", description: "Where to write clouds.yaml and fleet.yaml", valueHint: "dir" },
      repository: { type: "string", default: "acme/app", description: "GitHub path the written fleet file uses", valueHint: "owner/repo" },
      "github-port": { type: "string", description: "Port of the GitHub API (default: any free port)", valueHint: "port" },
      "openstack-port": { type: "string", description: "Port of the OpenStack APIs (default: any free port)", valueHint: "port" },
      "state-file": { type: "string", description: "Keep the sandbox's state in this file across restarts", valueHint: "file" },
      "boot-delay-ms": { type: "string", default: "1000", description: "From VM create to ACTIVE", valueHint: "ms" },
      "busy-lag-ms": { type: "string", default: "0", description: "How long GitHub's listed busy flag lags (real GitHub: 25000–60000)", valueHint: "ms" },
      "latency-ms": { type: "string", default: "0", description: "Delay added to every API request", valueHint: "ms" },
      json: { type: "boolean", default: false, description: "Print the URLs and files as JSON" },
      verbose: { type: "boolean", default: false, description: "Print stack traces with errors" },
    },
    async run({ args }): Promise<ExitCode> {
      const githubPort = optionalPort(args["github-port"], "--github-port");
      const openstackPort = optionalPort(args["openstack-port"], "--openstack-port");
      const options: SandboxOptions = {
        bootDelayMs: parseCount(args["boot-delay-ms"], "--boot-delay-ms"),
        latencyMs: parseCount(args["latency-ms"], "--latency-ms"),
        github: { busyLagMs: parseCount(args["busy-lag-ms"], "--busy-lag-ms") },
        ...(githubPort === undefined ? {} : { githubPort }),
        ...(openstackPort === undefined ? {} : { openstackPort }),
        ...(args["state-file"] ? { stateFile: resolve(io.cwd, args["state-file"]) } : {}),
      };
      const sandbox = await startSandbox(options);
      try {
        const dir = resolve(io.cwd, args.dir);
        const serve = { listen: DEFAULT_LISTEN, secret: randomBytes(20).toString("hex") };
        const files = await writeSandboxFiles(dir, sandbox, { prefix: "sandbox", runners: 3, repository: args.repository, metricsFile: "metrics.jsonl", serve });
        const fleet = displayPath(files.fleetYaml, io.cwd);
        if (args.json) {
          printJson(io.stdout, { githubUrl: sandbox.githubUrl, githubToken: sandbox.githubToken, openstackAuthUrl: sandbox.openstackAuthUrl, cloudName: sandbox.cloudName, ...files });
        } else {
          for (const line of banner(sandbox, displayPath(files.cloudsYaml, io.cwd), fleet)) println(io.stdout, line);
        }
        await new Promise<void>((done) => (io.signal.aborted ? done() : io.signal.addEventListener("abort", () => done(), { once: true })));
        io.stderr.write("stopping the sandbox\n");
      } finally {
        await sandbox.close();
      }
      return ExitCode.Ok;
    },
  });
}

// --- internal ---

function optionalPort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = parseCount(text, flag, 1);
  if (port > 65_535) throw new UsageError([{ path: flag, message: `must be a port number (1–65535), got ${port}` }]);
  return port;
}

function banner(sandbox: Sandbox, clouds: string, fleet: string): string[] {
  return [
    "sandbox running",
    `  GitHub API      ${sandbox.githubUrl}`,
    `  GitHub token    ${sandbox.githubToken}`,
    `  OpenStack auth  ${sandbox.openstackAuthUrl} (cloud '${sandbox.cloudName}')`,
    `wrote ${clouds} and ${fleet}`,
    "try, in another terminal:",
    `  runner-fleet status --config ${fleet}`,
    `  runner-fleet reconcile --config ${fleet}`,
    `  runner-fleet reconcile --config ${fleet} --every 10s`,
    `  runner-fleet job --config ${fleet} --count 2`,
    `  runner-fleet flush --config ${fleet}`,
    "or let it follow demand (autoscale: minIdle 1, max 10), and queue 20 jobs:",
    `  runner-fleet serve --config ${fleet}`,
    `  runner-fleet job --config ${fleet} --count 20`,
    "press Ctrl-C to stop",
  ];
}
