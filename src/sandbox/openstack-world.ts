import { randomUUID } from "node:crypto";
import type { GitHubSideHooks } from "./bridge.js";
import { NeutronStore } from "./neutron-store.js";
import { bootLines, findJitConfig, marker, poweroffLines } from "./openstack-console.js";
import type { CloudState, KeypairRecord, ServerInput, ServerRecord, TokenRecord } from "./openstack-types.js";
import { isRate, mulberry32 } from "./random.js";

export type { CloudState, KeypairRecord, ServerInput, ServerPort, ServerRecord, ServerStatus, TokenRecord } from "./openstack-types.js";

/** How long expired tokens are remembered before they are purged from the (persisted) state. */
const TOKEN_GRACE_MS = 3_600_000;

/** Timings and limits of the simulated cloud. */
export interface CloudWorldOptions {
  now: () => number;
  hooks: GitHubSideHooks;
  bootDelayMs: number;
  shutdownDelayMs: number;
  /** How long a deleted server stays visible with task_state `deleting` (Zed: 0.5–1.5 s). */
  deleteDelayMs: number;
  quota: { instances: number };
}

/** The simulated VMs and tokens, advanced by {@link CloudWorld.tick} from timestamps only. */
export class CloudWorld {
  readonly servers = new Map<string, ServerRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  /** Neutron's networks, subnets, ports, security groups and routers; servers get their ports here. */
  readonly neutron: NeutronStore;
  /** Keypairs by `${userId}/${name}` (nova-keypairs.ts). */
  readonly keypairs = new Map<string, KeypairRecord>();
  quota: { instances: number };
  failNext = 0;
  private nextIp = 10;
  /** Share of new servers that go to ERROR, with its seeded draws (a test control, not persisted). */
  private errorRate = 0;
  private errorDraw = mulberry32(1);

  constructor(private readonly options: CloudWorldOptions) {
    this.quota = { ...options.quota };
    this.neutron = new NeutronStore(options.now);
  }

  /** The shared clock. */
  now(): number {
    return this.options.now();
  }

  /** From now on, each new server goes to ERROR with probability `rate` (seeded; 0 turns it off). */
  setErrorRate(rate: number, seed = 1): void {
    if (!isRate(rate)) throw new Error(`server error rate must be a number from 0 to 1, got ${String(rate)}`);
    this.errorRate = rate;
    this.errorDraw = mulberry32(seed);
  }

  /** Creates a server in BUILD (the caller validated the input and checked the quota). */
  createServer(input: ServerInput): ServerRecord {
    const t = this.now();
    const failNext = this.failNext > 0;
    if (failNext) this.failNext -= 1;
    // One draw per server while a rate is set, so a seed fails the same servers on every run.
    const willFail = (this.errorRate > 0 && this.errorDraw() < this.errorRate) || failNext;
    const id = randomUUID();
    // Each network gets a Neutron port (device_owner compute:nova) with a fixed IP from its subnet.
    // Nova's compute host allocates them, so a server that never gets a host never gets ports.
    const ports = (willFail ? [] : input.networks).flatMap((n) => {
      const port = this.neutron.attachServer(id, n.id, input.projectId, input.securityGroups ?? []);
      const fixed = port?.fixedIps[0];
      return port === undefined || fixed === undefined ? [] : [{ networkId: n.id, networkName: n.name, addr: fixed.ip_address, mac: port.macAddress, portId: port.id }];
    });
    const { networks: _networks, ...rest } = input;
    const server: ServerRecord = {
      ...rest,
      id,
      status: "BUILD",
      taskState: "scheduling",
      ports,
      securityGroups: ports.length === 0 ? null : input.securityGroups,
      createdAt: t,
      updatedAt: t,
      launchedAt: null,
      // A scheduling failure shows up quickly, well before a boot would finish.
      bootAt: willFail ? t : t + this.options.bootDelayMs,
      willFail,
      shutoffAt: null,
      goneAt: null,
      fault: null,
      console: [],
      runner: "none",
      goneNotified: false,
    };
    this.servers.set(server.id, server);
    return server;
  }

  /** Starts deleting a server: its runner is gone at once, the server a little later. */
  deleteServer(id: string): void {
    const s = this.servers.get(id);
    if (s === undefined || s.goneAt !== null) return;
    s.taskState = "deleting";
    s.updatedAt = this.now();
    s.goneAt = this.now() + this.options.deleteDelayMs;
    this.notifyGone(s);
  }

  /** Advances every server whose next milestone is due. */
  tick(): void {
    const t = this.now();
    for (const [id, token] of this.tokens) {
      // Keep expired tokens a while (they answer 401, not 404, on validation), then forget them.
      if (token.expiresAt + TOKEN_GRACE_MS < t) this.tokens.delete(id);
    }
    for (const s of [...this.servers.values()]) {
      if (s.goneAt !== null) {
        if (t >= s.goneAt) {
          this.servers.delete(s.id);
          this.neutron.detachServer(s.id);
        }
        continue;
      }
      if (s.status === "BUILD" && t >= s.bootAt) {
        if (s.willFail) this.fail(s, t);
        else this.boot(s, t);
      }
      // ERROR too: os-stop may power off a server whose state an admin reset to error.
      if ((s.status === "ACTIVE" || s.status === "ERROR") && s.shutoffAt !== null && t >= s.shutoffAt) {
        s.status = "SHUTOFF";
        s.taskState = null;
        s.updatedAt = t;
        s.console.push(...poweroffLines());
        this.notifyGone(s);
      }
    }
  }

  /** The runner on `vmId` exited: cloud-init writes the post-job marker and powers the VM off. */
  runnerExited(vmId: string, exitCode: number): void {
    const s = this.servers.get(vmId);
    if (s === undefined || s.runner !== "running" || s.goneAt !== null) return;
    s.runner = "exited";
    const timestamp = Math.floor(this.now() / 1000);
    s.console.push(
      exitCode === 0
        ? marker("post-job", { timestamp, status: "normal" })
        : marker("post-job", { timestamp, status: "abnormal", status_info: { code: exitCode } }),
    );
    s.shutoffAt = this.now() + this.options.shutdownDelayMs;
  }

  /** `os-stop`: the guest powers off (SHUTOFF) after the shutdown delay; its runner dies with it. */
  stopServer(id: string): void {
    const s = this.servers.get(id);
    if (s === undefined || s.goneAt !== null) return;
    s.taskState = "powering-off";
    s.updatedAt = this.now();
    s.shutoffAt = this.now() + this.options.shutdownDelayMs;
  }

  /** `os-start` of a SHUTOFF server: ACTIVE again at once, with no runner (its JIT config is spent). */
  startServer(id: string): void {
    const s = this.servers.get(id);
    if (s === undefined || s.status !== "SHUTOFF") return;
    Object.assign(s, { status: "ACTIVE", taskState: null, updatedAt: this.now(), shutoffAt: null });
  }

  /** Admin `os-resetState`: only the recorded state changes (the guest, if any, keeps running). */
  resetState(id: string, state: "ACTIVE" | "ERROR"): void {
    const s = this.servers.get(id);
    if (s === undefined || s.goneAt !== null) return;
    Object.assign(s, { status: state, taskState: null, updatedAt: this.now() });
  }

  /** Appends a line to a VM's serial console. */
  writeConsole(vmId: string, line: string): void {
    this.servers.get(vmId)?.console.push(line);
  }

  /** The persistable state. */
  snapshot(): CloudState {
    return structuredClone({
      servers: [...this.servers.values()],
      tokens: [...this.tokens.values()],
      keypairs: [...this.keypairs.values()],
      quota: this.quota,
      failNext: this.failNext,
      nextIp: this.nextIp,
      neutron: this.neutron.snapshot(),
    });
  }

  /** Replaces the state with a snapshot. */
  restore(state: CloudState): void {
    this.servers.clear();
    this.tokens.clear();
    this.keypairs.clear();
    for (const kp of state.keypairs ?? []) this.keypairs.set(`${kp.userId}/${kp.name}`, { ...kp });
    for (const s of state.servers) this.servers.set(s.id, structuredClone(s));
    for (const tk of state.tokens) this.tokens.set(tk.id, { ...tk });
    this.quota = { ...state.quota };
    this.failNext = state.failNext;
    this.nextIp = state.nextIp;
    this.neutron.restore(state.neutron);
  }

  // --- internal ---

  private fail(s: ServerRecord, t: number): void {
    s.status = "ERROR";
    s.taskState = null;
    s.updatedAt = t;
    s.fault = { code: 500, message: "No valid host was found.", created: t };
    this.notifyGone(s);
  }

  private boot(s: ServerRecord, t: number): void {
    s.status = "ACTIVE";
    s.taskState = null;
    s.updatedAt = t;
    s.launchedAt = t;
    s.console.push(...bootLines(s.name, t));
    // No runner in the user data (none at all, or a script without a JIT config): a plain VM that
    // stays up, as on a real Nova; only a runner's exit powers a VM off.
    const jit = s.userData === null ? undefined : findJitConfig(s.userData);
    if (jit === undefined) return;
    s.runner = "running";
    s.console.push(marker("installed", { timestamp: Math.floor(t / 1000) }));
    let accepted = false;
    try {
      accepted = this.options.hooks.runnerStarted(s.id, jit);
    } catch {
      accepted = false;
    }
    if (!accepted) this.runnerExited(s.id, 1);
  }

  private notifyGone(s: ServerRecord): void {
    if (s.goneNotified) return;
    s.goneNotified = true;
    try {
      this.options.hooks.vmGone(s.id);
    } catch {
      // The GitHub side's bookkeeping must not stop the cloud's clock.
    }
  }
}
