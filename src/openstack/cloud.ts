/** `OpenStackCloud`: the manager's `CloudRunnerManager` port carried out with Nova, Glance and Neutron. */
import { CloudError, ConfigError, NotFoundError, type Problem } from "../manager/errors.js";
import { isFleetMember, isValidPrefix } from "../manager/naming.js";
import { METADATA_KEYS, type CloudInstance, type CloudRunnerManager, type CreateInstanceRequest } from "../manager/ports.js";
import { CloudRunnerState } from "../manager/types.js";
import { renderUserData, type RunnerVmOptions } from "../manager/user-data.js";
import type { OpenStackClient } from "./client.js";
import { fleetNameFilter } from "./nova.js";
import type { NovaServer } from "./types.js";

/** Nova's limit on `user_data`, in base64 characters (reference A.2). */
const MAX_USER_DATA = 65_535;

/** What a VM is built from, by name or id. */
export interface ServerConfigRefs {
  image: string;
  flavor: string;
  network: string;
  securityGroups?: string[];
}

/** The same, resolved to ids. */
export interface ServerConfig {
  imageId: string;
  flavorId: string;
  networkId: string;
  securityGroupIds: string[];
}

/**
 * Resolves image, flavor, network and security groups to ids, all at once. One missing thing
 * throws its `NotFoundError` (which lists what exists); several throw one `ConfigError` holding
 * each; any other failure (auth, network) is thrown as is.
 */
export async function resolveServerConfig(client: OpenStackClient, refs: ServerConfigRefs): Promise<ServerConfig> {
  const groups = refs.securityGroups ?? [];
  const lookups: [string, Promise<{ id: string }>][] = [
    ["image", client.glance.findImage(refs.image)],
    ["flavor", client.nova.findFlavor(refs.flavor)],
    ["network", client.neutron.findNetwork(refs.network)],
    ...groups.map((ref, i): [string, Promise<{ id: string }>] => [`securityGroups[${i}]`, client.neutron.findSecurityGroup(ref)]),
  ];
  const settled = await Promise.allSettled(lookups.map(([, lookup]) => lookup));
  const failures = settled.flatMap((s, i) => (s.status === "rejected" ? [{ path: lookups[i]?.[0] ?? "", error: s.reason as unknown }] : []));
  const other = failures.find((f) => !(f.error instanceof NotFoundError || f.error instanceof ConfigError));
  if (other) throw other.error;
  if (failures.length === 1) throw failures[0]?.error;
  if (failures.length > 1) {
    const problems: Problem[] = failures.flatMap((f) =>
      f.error instanceof ConfigError ? f.error.problems : [{ path: f.path, message: (f.error as Error).message }],
    );
    throw new ConfigError(problems, problems.map((p) => p.message).join("; "));
  }
  const ids = settled.map((s) => (s.status === "fulfilled" ? s.value.id : ""));
  const [imageId = "", flavorId = "", networkId = "", ...securityGroupIds] = ids;
  return { imageId, flavorId, networkId, securityGroupIds };
}

/** Maps a Nova server status to the seed's cloud state (SPEC §2). */
export function cloudStateFromNovaStatus(status: string): CloudRunnerState {
  switch (status.toUpperCase()) {
    case "BUILD":
    case "REBUILD":
      return CloudRunnerState.Created;
    case "ACTIVE":
      return CloudRunnerState.Active;
    case "ERROR":
      return CloudRunnerState.Error;
    case "SHUTOFF":
    case "STOPPED":
      return CloudRunnerState.Stopped;
    case "DELETED":
    case "SOFT_DELETED":
      return CloudRunnerState.Deleted;
    case "UNKNOWN":
      return CloudRunnerState.Unknown;
    default:
      return CloudRunnerState.Unexpected;
  }
}

/** Options of an `OpenStackCloud`. */
export interface OpenStackCloudOptions extends ServerConfigRefs {
  client: OpenStackClient;
  prefix: string;
  keyName?: string;
  vm?: RunnerVmOptions;
  fingerprint: string;
  managerVersion: string;
  /** Console lines to fetch (default: the whole log, so no marker is missed). */
  consoleLength?: number;
}

/** The fleet's VMs on one OpenStack cloud. */
export class OpenStackCloud implements CloudRunnerManager {
  readonly namePrefix: string;
  readonly fingerprint: string;
  private readonly options: OpenStackCloudOptions;
  private resolved: Promise<ServerConfig> | undefined;

  constructor(options: OpenStackCloudOptions) {
    if (!isValidPrefix(options.prefix)) {
      throw new ConfigError([{ path: "prefix", message: `prefix '${options.prefix}' must be 1–51 lowercase letters, digits or dashes, not starting or ending with a dash` }]);
    }
    this.options = options;
    this.namePrefix = options.prefix;
    this.fingerprint = options.fingerprint;
  }

  /** Image, flavor, network and security groups as ids; looked up once, again after a failure. */
  serverConfig(): Promise<ServerConfig> {
    this.resolved ??= resolveServerConfig(this.options.client, this.options).catch((error: unknown) => {
      this.resolved = undefined;
      throw error;
    });
    return this.resolved;
  }

  /** Resolves the server configuration so bad names fail before any runner is registered. */
  async prepare(): Promise<void> {
    await this.serverConfig();
  }

  /** Starts a VM for one runner and returns at once (the server is still building). */
  async createInstance(request: CreateInstanceRequest): Promise<CloudInstance> {
    const { prefix, keyName, vm, managerVersion, client } = this.options;
    if (!isFleetMember(prefix, request.name)) {
      throw new ConfigError([{ path: "name", message: `instance name '${request.name}' is not '${prefix}-' followed by 12 hex characters` }]);
    }
    const config = await this.serverConfig();
    const userData = Buffer.from(renderUserData(request.jitConfig, vm), "utf8").toString("base64");
    if (userData.length > MAX_USER_DATA) {
      throw new ConfigError([{ path: "vm", message: `user data is ${userData.length} base64 characters, over Nova's ${MAX_USER_DATA}; shorten preJobScript or extraScript` }]);
    }
    const server = await client.nova.createServer({
      name: request.name,
      imageRef: config.imageId,
      flavorRef: config.flavorId,
      networks: [{ uuid: config.networkId }],
      securityGroups: config.securityGroupIds,
      keyName,
      userData,
      metadata: {
        [METADATA_KEYS.prefix]: prefix,
        [METADATA_KEYS.runnerId]: String(request.runnerId),
        [METADATA_KEYS.fingerprint]: this.fingerprint,
        [METADATA_KEYS.version]: managerVersion,
      },
      configDrive: true, // mitigates CVE-2024-6174 (upstream 5ff5e0105)
    });
    return { id: server.id, name: request.name, state: CloudRunnerState.Created, createdAt: new Date(), runnerId: request.runnerId, fingerprint: this.fingerprint };
  }

  /** The fleet's VMs: one filtered, paginated list, then the exact membership check. */
  async listInstances(): Promise<CloudInstance[]> {
    const servers = await this.options.client.nova.listServers(fleetNameFilter(this.namePrefix));
    return servers.filter((s) => isFleetMember(this.namePrefix, s.name)).map(toInstance);
  }

  /** Deletes a VM by server id; `"gone"` when Nova no longer had it. */
  deleteInstance(instance: CloudInstance): Promise<"deleted" | "gone"> {
    return this.options.client.nova.deleteServer(instance.id);
  }

  /** The VM's console log; empty while Nova has none yet (409 during BUILD or in ERROR). */
  async consoleOutput(instance: CloudInstance): Promise<string> {
    try {
      return await this.options.client.nova.consoleOutput(instance.id, this.options.consoleLength);
    } catch (error) {
      if (error instanceof CloudError && error.status === 409) return "";
      throw error;
    }
  }

  /** One VM by server id; undefined once it is gone. */
  async getInstance(id: string): Promise<CloudInstance | undefined> {
    const server = await this.options.client.nova.getServer(id);
    return server && toInstance(server);
  }
}

// --- internal ---

/** Reads only the known metadata keys; anything else on the server is ignored. */
function toInstance(server: NovaServer): CloudInstance {
  // A server being deleted still shows its old status until Nova is done (0.5–1.5 s on Zed):
  // it no longer counts as a runner.
  const state = server.taskState === "deleting" ? CloudRunnerState.Deleted : cloudStateFromNovaStatus(server.status);
  const instance: CloudInstance = { id: server.id, name: server.name, state, createdAt: server.created };
  const runnerId = server.metadata[METADATA_KEYS.runnerId];
  if (runnerId !== undefined && /^\d+$/.test(runnerId)) instance.runnerId = Number(runnerId);
  const fingerprint = server.metadata[METADATA_KEYS.fingerprint];
  if (fingerprint !== undefined) instance.fingerprint = fingerprint;
  return instance;
}
