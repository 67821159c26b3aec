import { randomUUID } from "node:crypto";
import type { CloudSideHooks, GitHubSideHooks, SandboxService } from "./bridge.js";
import type { FaultInjector } from "./faults.js";
import { type Route, startHttpService } from "./http.js";
import { openStackFault } from "./openstack-errors.js";
import { glanceRoutes } from "./openstack-glance.js";
import { keystoneRoutes } from "./openstack-keystone.js";
import { neutronRoutes } from "./openstack-neutron.js";
import { novaRoutes } from "./openstack-nova.js";
import { type CloudState, CloudWorld } from "./openstack-world.js";
import type { RequestLog } from "./request-log.js";

/** How the simulated OpenStack behaves. */
export interface OpenStackSideOptions {
  now: () => number;
  /** The GitHub side's hooks (default: every runner starts and keeps running). */
  hooks?: GitHubSideHooks;
  log: RequestLog;
  faults: FaultInjector;
  bootDelayMs?: number;
  shutdownDelayMs?: number;
  deleteDelayMs?: number;
  tokenLifetimeSeconds?: number;
  quota?: { instances?: number };
  /** Highest compute microversion (default "2.93", Zed). */
  novaMaxMicroversion?: string;
  latencyMs?: () => number;
  host?: string;
  port?: number;
}

/** The simulated OpenStack, listening on one port with a path prefix per service. */
export interface OpenStackSide {
  world: CloudWorld;
  url: string;
  /** Keystone v3 auth URL, as clouds.yaml wants it. */
  authUrl: string;
  /** What the GitHub side calls on the cloud. */
  cloudHooks: CloudSideHooks;
  tick(): void;
  snapshot(): CloudState;
  restore(state: CloudState): void;
  setTokenLifetime(seconds: number): void;
  close(): Promise<void>;
}

const PREFIXES: [string, SandboxService][] = [
  ["/identity", "identity"],
  ["/compute", "compute"],
  ["/image", "image"],
  ["/network", "network"],
];

/** Which OpenStack service a path belongs to (unknown paths answer like Nova). */
export function openStackServiceOf(path: string): SandboxService {
  return PREFIXES.find(([p]) => path === p || path.startsWith(`${p}/`))?.[1] ?? "compute";
}

/** Starts Keystone, Nova, Glance and Neutron on one loopback port. */
export async function startOpenStack(options: OpenStackSideOptions): Promise<OpenStackSide> {
  const {
    now,
    hooks = { runnerStarted: () => true, vmGone: () => undefined },
    bootDelayMs = 100,
    shutdownDelayMs = 50,
    deleteDelayMs = 100,
    quota = {},
    novaMaxMicroversion = "2.93",
  } = options;
  let tokenLifetime = options.tokenLifetimeSeconds ?? 3600;
  const maxMv = Number(/^2\.(\d+)$/.exec(novaMaxMicroversion)?.[1] ?? NaN);
  if (!Number.isInteger(maxMv) || maxMv < 1) throw new Error(`novaMaxMicroversion must look like "2.93", got "${novaMaxMicroversion}"`);
  const world = new CloudWorld({ now, hooks, bootDelayMs, shutdownDelayMs, deleteDelayMs, quota: { instances: quota.instances ?? 10 } });
  let url = "";
  const baseUrl = () => url;
  const routes: Route[] = [
    ...keystoneRoutes({ world, baseUrl, tokenLifetimeSeconds: () => tokenLifetime }),
    ...novaRoutes({ world, baseUrl, maxMicroversion: () => maxMv }),
    ...glanceRoutes(world, baseUrl),
    ...neutronRoutes(world, baseUrl),
  ].map((r) => ({
    ...r,
    handle: async (req) => {
      // Bring the world up to date first, so an answer never shows a transition that is already due.
      world.tick();
      const answer = await r.handle(req);
      return { ...answer, headers: { "x-openstack-request-id": `req-${randomUUID()}`, ...answer.headers } };
    },
  }));
  const service = await startHttpService({
    routes,
    serviceOf: openStackServiceOf,
    log: options.log,
    faults: options.faults,
    onFault: openStackFault,
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  url = service.url;
  return {
    world,
    url,
    authUrl: `${url}/identity/v3`,
    cloudHooks: {
      runnerExited: (vmId, code) => world.runnerExited(vmId, code),
      writeConsole: (vmId, line) => world.writeConsole(vmId, line),
    },
    tick: () => world.tick(),
    snapshot: () => world.snapshot(),
    restore: (state) => world.restore(state),
    setTokenLifetime: (seconds) => {
      tokenLifetime = seconds;
    },
    close: () => service.close(),
  };
}
