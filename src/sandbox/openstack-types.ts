/** The simulated cloud's state as plain JSON data (persisted as is). */
import type { NeutronState } from "./neutron-types.js";

/** The server statuses the sandbox's VMs go through. */
export type ServerStatus = "BUILD" | "ACTIVE" | "ERROR" | "SHUTOFF";

/** One port of a server on a network. */
export interface ServerPort {
  networkId: string;
  networkName: string;
  addr: string;
  mac: string;
  /** The Neutron port behind it (absent in state files from before ports were simulated). */
  portId?: string;
}

/** A simulated VM; times are epoch milliseconds from the shared clock. */
export interface ServerRecord {
  id: string;
  name: string;
  status: ServerStatus;
  taskState: string | null;
  projectId: string;
  userId: string;
  flavorId: string;
  imageId: string;
  ports: ServerPort[];
  /** Security group names; null for a server without ports (Nova then omits the key). */
  securityGroups: string[] | null;
  keyName: string | null;
  metadata: Record<string, string>;
  tags: string[];
  /** Base64 user data as given (never shown in server views). */
  userData: string | null;
  configDrive: boolean;
  description: string | null;
  createdAt: number;
  updatedAt: number;
  launchedAt: number | null;
  /** When BUILD ends (ACTIVE, or ERROR for a failing server). */
  bootAt: number;
  willFail: boolean;
  shutoffAt: number | null;
  /** Set once deleted: when the server disappears from the API. */
  goneAt: number | null;
  fault: { code: number; message: string; created: number } | null;
  console: string[];
  runner: "none" | "running" | "exited";
  /** Whether the GitHub side was told the VM is gone. */
  goneNotified: boolean;
}

/** What a validated create request asks for. */
export type ServerInput = Pick<
  ServerRecord,
  "name" | "flavorId" | "imageId" | "securityGroups" | "keyName" | "metadata" | "tags" | "userData" | "configDrive" | "description" | "projectId" | "userId"
> & { networks: { id: string; name: string }[] };

/** A Keystone token the sandbox issued. */
export interface TokenRecord {
  id: string;
  userId: string;
  projectId: string | null;
  methods: string[];
  issuedAt: number;
  expiresAt: number;
}

/** A Nova keypair (owned by a user, not a project; names are unique per user). */
export interface KeypairRecord {
  id: number;
  userId: string;
  name: string;
  type: "ssh" | "x509";
  publicKey: string;
  fingerprint: string;
  createdAt: number;
}

/** Everything the OpenStack side persists. */
export interface CloudState {
  servers: ServerRecord[];
  tokens: TokenRecord[];
  /** Absent from snapshots older than keypairs. */
  keypairs?: KeypairRecord[];
  quota: { instances: number };
  failNext: number;
  nextIp: number;
  /** Networks, subnets, ports, security groups and routers; absent in older state files (then the seed). */
  neutron?: NeutronState;
}
