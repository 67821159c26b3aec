/**
 * The sandbox: a simulated GitHub and a simulated OpenStack on loopback sharing one world and one
 * clock (docs in ../../shared/SPEC.md §6). It shares no code with src/github or src/openstack.
 */
import type { FaultSpec, LoggedRequest, SandboxService } from "./bridge.js";
import { FaultInjector } from "./faults.js";
import { type GitHubSideOptions, type JobSpec, type SandboxJob, type SandboxRunner, createGitHubSide } from "./github-side.js";
import { startHttpService } from "./http.js";
import { IDENTITY, cloudsYaml } from "./openstack-seed.js";
import { type OpenStackSide, startOpenStack } from "./openstack-side.js";
import { type SandboxSnapshot, StateSaver, loadSnapshot } from "./persistence.js";
import { RequestLog } from "./request-log.js";

export type { FaultSpec, LoggedRequest, SandboxService } from "./bridge.js";
export type { JobSpec, SandboxJob, SandboxRunner } from "./github-side.js";

/** How to start a sandbox; every field is optional. */
export interface SandboxOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  githubPort?: number;
  openstackPort?: number;
  /** Delay added to every request on both sides, in ms (a number or a sampler, for realistic benchmarks). */
  latencyMs?: number | (() => number);
  /** From create to ACTIVE (default 100). */
  bootDelayMs?: number;
  /** From the runner exiting to SHUTOFF (default 50). */
  shutdownDelayMs?: number;
  /** How long a deleted server stays listed with task_state `deleting` (default 100). */
  deleteDelayMs?: number;
  /** Keystone token lifetime (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Load the state from this file on start if present, save it on change and on close. */
  stateFile?: string;
  quota?: { instances?: number };
  /** Highest compute microversion offered (default "2.93"). */
  novaMaxMicroversion?: string;
  /** The shared clock (default Date.now). */
  now?: () => number;
  /** How often time-based transitions are applied (default 25 ms). */
  tickMs?: number;
  /** Record parsed GitHub response bodies in the request log (default true; for OpenAPI validation). */
  recordGitHubBodies?: boolean;
  /** Passed through to the simulated GitHub. */
  github?: Omit<GitHubSideOptions, "now" | "hooks">;
}

/** A VM as the sandbox's test controls summarize it. */
export interface SandboxServer {
  id: string;
  name: string;
  status: string;
  taskState: string | null;
  metadata: Record<string, string>;
  tags: string[];
  /** Epoch ms. */
  createdAt: number;
}

/** The password-auth credentials of the seeded OpenStack user. */
export interface SandboxCredentials {
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
}

/** A running sandbox with its URLs, credentials and test controls. */
export interface Sandbox {
  githubUrl: string;
  /** The seeded admin personal access token. */
  githubToken: string;
  /** The GitHub App whose JWTs the simulated GitHub accepts. */
  githubApp: { appId: number; installationId: number; privateKey: string };
  openstackUrl: string;
  /** Keystone v3 URL (ends in `/v3`). */
  openstackAuthUrl: string;
  cloudName: "sandbox";
  /** A complete clouds.yaml: cloud `sandbox` (password) and `sandbox-appcred` (application credential). */
  cloudsYaml: string;
  credentials: SandboxCredentials;
  appCredential: { id: string; secret: string };
  enqueueJob(job: JobSpec): SandboxJob;
  jobs(): SandboxJob[];
  servers(): SandboxServer[];
  /** The full serial console of a VM (empty when unknown). */
  consoleOf(vmId: string): string[];
  /** The true GitHub runner state (not the lagging list). */
  githubRunners(): SandboxRunner[];
  fault(spec: FaultSpec): void;
  clearFaults(): void;
  /** The next `n` created servers go to ERROR ("No valid host was found."). */
  failNextServers(n: number): void;
  setQuota(quota: { instances: number }): void;
  setTokenLifetime(seconds: number): void;
  requests(service?: SandboxService): LoggedRequest[];
  resetRequests(): void;
  addToken(token: string, opts?: { permissions?: "admin" | "read" }): void;
  revokeToken(token: string): void;
  /** Writes the state file now (when `stateFile` is set). */
  save(): void;
  close(): Promise<void>;
}

/** Starts the sandbox on loopback; usable with no options at all. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { host = "127.0.0.1", now = Date.now, tickMs = 25, stateFile, recordGitHubBodies = true } = options;
  const latency = options.latencyMs;
  const latencyMs = typeof latency === "number" ? () => latency : latency;
  const log = new RequestLog();
  const faults = new FaultInjector();
  let openstack: OpenStackSide | undefined;
  const github = createGitHubSide({
    ...options.github,
    now,
    // The OpenStack side starts below; the GitHub side only calls these from tick() and routes.
    hooks: {
      runnerExited: (vmId, code) => openstack?.cloudHooks.runnerExited(vmId, code),
      writeConsole: (vmId, line) => openstack?.cloudHooks.writeConsole(vmId, line),
    },
  });
  openstack = await startOpenStack({
    now,
    hooks: github.hooks,
    log,
    faults,
    ...pick(options, ["bootDelayMs", "shutdownDelayMs", "deleteDelayMs", "tokenLifetimeSeconds", "quota", "novaMaxMicroversion"]),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    host,
    ...(options.openstackPort === undefined ? {} : { port: options.openstackPort }),
  });
  const os = openstack;
  const snapshot = (): SandboxSnapshot => ({ version: 1, openstack: os.snapshot(), github: github.snapshot() });
  const loaded = stateFile === undefined ? undefined : loadSnapshot(stateFile);
  if (loaded !== undefined) {
    github.restore(loaded.github);
    os.restore(loaded.openstack);
  }
  const gh = await startHttpService({
    routes: github.routes,
    serviceOf: () => "github",
    log,
    faults,
    onFault: (fault, req) => github.onFault(fault, req),
    recordBodies: recordGitHubBodies,
    host,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(options.githubPort === undefined ? {} : { port: options.githubPort }),
  });
  const saver = stateFile === undefined ? undefined : new StateSaver(stateFile, snapshot);
  saver?.start(loaded !== undefined);
  const ticker = setInterval(() => {
    os.tick();
    github.tick();
  }, tickMs);
  ticker.unref();
  return {
    githubUrl: gh.url,
    get githubToken() {
      return github.token;
    },
    get githubApp() {
      return github.app;
    },
    openstackUrl: os.url,
    openstackAuthUrl: os.authUrl,
    cloudName: "sandbox",
    cloudsYaml: cloudsYaml(os.authUrl),
    credentials: {
      username: IDENTITY.user.name,
      password: IDENTITY.user.password,
      projectName: IDENTITY.project.name,
      userDomainName: IDENTITY.domain.name,
      projectDomainName: IDENTITY.domain.name,
    },
    appCredential: { id: IDENTITY.appCredential.id, secret: IDENTITY.appCredential.secret },
    enqueueJob: (job) => github.enqueueJob(job),
    jobs: () => github.jobs(),
    servers: () =>
      [...os.world.servers.values()].map((s) => ({
        id: s.id,
        name: s.name,
        status: s.status,
        taskState: s.taskState,
        metadata: { ...s.metadata },
        tags: [...s.tags],
        createdAt: s.createdAt,
      })),
    consoleOf: (vmId) => [...(os.world.servers.get(vmId)?.console ?? [])],
    githubRunners: () => github.runners(),
    fault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    failNextServers: (n) => {
      os.world.failNext = n;
    },
    setQuota: (quota) => {
      os.world.quota = { ...quota };
    },
    setTokenLifetime: (seconds) => os.setTokenLifetime(seconds),
    requests: (service) => log.entries(service),
    resetRequests: () => log.reset(),
    addToken: (token, opts) => github.addToken(token, opts),
    revokeToken: (token) => github.revokeToken(token),
    save: () => saver?.flush(),
    close: async () => {
      clearInterval(ticker);
      saver?.stop();
      await Promise.all([gh.close(), os.close()]);
    },
  };
}

// --- internal ---

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]])) as Partial<Pick<T, K>>;
}
