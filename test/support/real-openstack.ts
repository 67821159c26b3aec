/**
 * The real OpenStack of scripts/openstack/ (Keystone, Nova with its fake driver, Neutron, Glance on
 * loopback) for the end-to-end tests of infrastructure stacks, and raw reads of what it holds, so
 * the tests check the cloud's side of a `pulumi up` with the cloud's own answers.
 *
 * `ensureRealOpenStack()` runs scripts/openstack/setup.sh, which installs and starts the services
 * on a fresh machine (minutes, with progress) and only re-provisions when they already run (CI
 * starts them once for this suite and the contract suite). Its failure fails the test: never a skip.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OpenStackClient } from "../../src/openstack/client.js";
import { loadCloudConfig } from "../../src/openstack/clouds-yaml.js";
import { repoRoot } from "./pulumi-engine.js";

/** Setup on a fresh machine: apt plus the services (measured 3–5.5 minutes on 2 cores). */
export const REAL_OPENSTACK_SETUP_TIMEOUT_MS = 15 * 60_000;

/** The running services: the clouds.yaml setup.sh wrote, and its project-member cloud. */
export interface RealOpenStack {
  cloudsYamlPath: string;
  cloudsYaml: string;
  /** The demo project's member, by password. */
  cloud: "demo";
}

let started: Promise<RealOpenStack> | undefined;

/** Starts (or re-provisions) the real OpenStack. Memoized per test worker. */
export function ensureRealOpenStack(): Promise<RealOpenStack> {
  started ??= setup().catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}

async function setup(): Promise<RealOpenStack> {
  await runScript(join(repoRoot, "scripts/openstack/setup.sh"), [], process.env);
  const dir = process.env["RUNNER_FLEET_OPENSTACK_DIR"] ?? "/tmp/runner-fleet-openstack";
  const cloudsYamlPath = join(dir, "clouds.yaml");
  return { cloudsYamlPath, cloudsYaml: readFileSync(cloudsYamlPath, "utf8"), cloud: "demo" };
}

/**
 * Makes the `openstack` resource plugin available to the CLI of `env` (installed into its
 * PULUMI_HOME; built from upstream sources the first time on a machine: scripts/pulumi-plugin.sh).
 */
export async function ensureOpenStackPlugin(pulumi: string, env: Record<string, string>): Promise<void> {
  // No download attempt: the machines here cannot reach Pulumi's plugin host, and a failed one costs time.
  await runScript(join(repoRoot, "scripts/pulumi-plugin.sh"), ["resource", "openstack"], { ...env, PULUMI: pulumi, RUNNER_FLEET_PLUGIN_NO_DOWNLOAD: "1" });
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script, ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      process.stderr.write(chunk); // progress of a cold setup or build, as it comes
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${script} ${args.join(" ")} failed (exit ${code}):\n${output.slice(-4000)}`))));
  });
}

/** A client of the demo project, for reading what the cloud holds. */
export function realClient(openstack: RealOpenStack): OpenStackClient {
  const cloud = loadCloudConfig({ cloudsYaml: openstack.cloudsYaml, cloud: openstack.cloud, env: {} });
  return new OpenStackClient({ cloud, timeoutMs: 30_000 });
}

/** GET on a service's API with the client's token; the parsed body. */
export async function getJson<T>(client: OpenStackClient, service: "compute" | "network", path: string, query?: Record<string, string>): Promise<T> {
  // Catalogs list Neutron's root, but some append /v2.0: the paths given carry the version.
  const baseUrl = (await client.session.endpoint(service)).replace(/\/v2\.0\/?$/, "");
  const name = service === "compute" ? "Nova" : "Neutron";
  const headers = service === "compute" ? { "openstack-api-version": "compute 2.79" } : undefined;
  return (await client.session.send({ service: name, method: "GET", baseUrl, path, query, headers })).body as T;
}

/** A Nova server as `GET /servers/detail` shows it (the fields the tests read). */
export interface NovaServer {
  id: string;
  name: string;
  status: string;
  addresses: Record<string, { addr: string }[]>;
  security_groups?: { name: string }[];
}

/** A Neutron port (the fields the tests read). */
export interface NeutronPort {
  id: string;
  device_id: string;
  network_id: string;
  security_groups: string[];
  fixed_ips: { subnet_id: string; ip_address: string }[];
}

/** The project's servers whose name starts with `prefix-`. */
export async function serversOf(client: OpenStackClient, prefix: string): Promise<NovaServer[]> {
  const { servers } = await getJson<{ servers: NovaServer[] }>(client, "compute", "/servers/detail", { name: `^${prefix}-` });
  return servers.filter((s) => s.name.startsWith(`${prefix}-`));
}

/** Neutron's view of a collection filtered by query, e.g. `ports` on a network. */
export async function neutronList<T>(client: OpenStackClient, collection: "ports" | "networks" | "subnets" | "security-groups" | "routers", query: Record<string, string> = {}): Promise<T[]> {
  const body = await getJson<Record<string, T[]>>(client, "network", `/v2.0/${collection}`, query);
  return body[collection.replace("-", "_")] ?? [];
}
