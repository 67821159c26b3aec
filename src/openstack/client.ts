/** The OpenStack client: one Keystone session shared by the Nova, Glance and Neutron calls. */
import { Glance } from "./glance.js";
import type { FetchLike, RetryOptions } from "./http.js";
import { KeystoneSession } from "./keystone.js";
import { Neutron } from "./neutron.js";
import { Nova } from "./nova.js";
import type { CloudConfig } from "./types.js";

/** Options of an `OpenStackClient`; transport defaults: global fetch, 30 s timeout, 3 attempts. */
export interface OpenStackClientOptions {
  cloud: CloudConfig;
  /** Injected fetch (a sandbox, a recorder); defaults to the global one. */
  fetch?: FetchLike;
  /** Per-attempt timeout of every call. */
  timeoutMs?: number;
  /** Retries of idempotent calls on 5xx and network errors. */
  retry?: Partial<RetryOptions>;
  /** Clock for token renewal, injectable for tests. */
  now?: () => number;
}

/** Typed access to the services a runner fleet needs; authenticates lazily on first use. */
export class OpenStackClient {
  readonly cloud: CloudConfig;
  readonly session: KeystoneSession;
  readonly nova: Nova;
  readonly glance: Glance;
  readonly neutron: Neutron;

  constructor(options: OpenStackClientOptions) {
    const { cloud, fetch, timeoutMs, retry, now } = options;
    this.cloud = cloud;
    this.session = new KeystoneSession({ cloud, http: { fetch, timeoutMs, retry }, now });
    this.nova = new Nova(this.session);
    this.glance = new Glance(this.session);
    this.neutron = new Neutron(this.session);
  }
}
