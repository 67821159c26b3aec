/**
 * The sandbox: a simulated GitHub and a simulated OpenStack on loopback sharing one world and one
 * clock (docs in ../../shared/SPEC.md §6). It shares no code with src/github or src/openstack.
 */
import { FaultInjector } from "./faults.js";
import { createGitHubSide } from "./github-side.js";
import { startHttpService } from "./http.js";
import { IDENTITY, cloudsYaml } from "./openstack-seed.js";
import { type OpenStackSide, startOpenStack } from "./openstack-side.js";
import { type SandboxSnapshot, StateSaver, loadSnapshot } from "./persistence.js";
import { RequestLog } from "./request-log.js";
import type { Sandbox, SandboxOptions } from "./sandbox-types.js";

export type { ActionsControls, ScaleSetSummary } from "./actions-control.js";
export type { ActionsFault, ActionsRouteName } from "./actions-faults.js";
export type { ActionsOptions, ResolvedActionsOptions } from "./actions-types.js";
export type { FaultSpec, LoggedRequest, SandboxService } from "./bridge.js";
export type { HookDelivery, JobSpec, ResolvedFaults, SandboxJob, SandboxRunner, WebhookFaults, WebhookOptions } from "./github-side.js";
export type { Sandbox, SandboxCredentials, SandboxOptions, SandboxServer } from "./sandbox-types.js";

/** Starts the sandbox on loopback; usable with no options at all. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { host = "127.0.0.1", now = Date.now, tickMs = 25, stateFile, recordGitHubBodies = true } = options;
  const latency = options.latencyMs;
  const latencyMs = typeof latency === "number" ? () => latency : latency;
  const log = new RequestLog();
  const faults = new FaultInjector();
  let openstack: OpenStackSide | undefined;
  let githubUrl = `http://${host}`;
  const github = createGitHubSide({
    ...options.github,
    now,
    // Webhook payloads link back to this API, as GitHub's link to api.github.com.
    apiUrl: () => githubUrl,
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
  githubUrl = gh.url;
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
    failServersAtRate: (rate, seed) => os.world.setErrorRate(rate, seed),
    setQuota: (quota) => {
      os.world.quota = { ...quota };
    },
    setTokenLifetime: (seconds) => os.setTokenLifetime(seconds),
    requests: (service) => log.entries(service),
    resetRequests: () => log.reset(),
    addToken: (token, opts) => github.addToken(token, opts),
    revokeToken: (token) => github.revokeToken(token),
    setWebhookFaults: (faults) => github.setWebhookFaults(faults),
    webhookFaults: () => github.webhookFaults(),
    webhookDeliveries: () => github.webhookDeliveries(),
    webhooksIdle: () => github.webhooksIdle(),
    actions: github.actions,
    save: () => saver?.flush(),
    close: async () => {
      clearInterval(ticker);
      github.close();
      saver?.stop();
      await Promise.all([gh.close(), os.close()]);
    },
  };
}

// --- internal ---

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]])) as Partial<Pick<T, K>>;
}
