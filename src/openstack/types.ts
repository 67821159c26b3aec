/** Parsed, typed values of the OpenStack client: configuration in, resources out. No raw maps. */

/** Password auth as openstacksdk's `password` / `v3password` plugin takes it (one of each id/name pair). */
export interface PasswordAuth {
  type: "password";
  username?: string;
  userId?: string;
  /** A secret: never logged, never put in a message. */
  password: string;
  projectName?: string;
  projectId?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
}

/** Application-credential auth (`v3applicationcredential`): by id, or by name plus its owner. */
export interface ApplicationCredentialAuth {
  type: "application_credential";
  id?: string;
  name?: string;
  username?: string;
  userId?: string;
  userDomainName?: string;
  userDomainId?: string;
  /** A secret: never logged, never put in a message. */
  secret: string;
}

/** How the client authenticates to Keystone. */
export type CloudAuth = PasswordAuth | ApplicationCredentialAuth;

/** Which catalog endpoint to use for each service. */
export type EndpointInterface = "public" | "internal" | "admin";

/** One cloud of clouds.yaml (or the `OS_*` environment), validated. */
export interface CloudConfig {
  /** The cloud's name in clouds.yaml (`envvars` for the `OS_*` environment). */
  name: string;
  authUrl: string;
  auth: CloudAuth;
  regionName?: string;
  interface: EndpointInterface;
}

/** Catalog service types the client uses. */
export type ServiceType = "identity" | "compute" | "image" | "network";

/** A Nova server, reduced to what the fleet needs. */
export interface NovaServer {
  id: string;
  name: string;
  /** Nova's status string (`ACTIVE`, `BUILD`, `ERROR`, `SHUTOFF`, …), upper case. */
  status: string;
  created: Date;
  metadata: Record<string, string>;
  /** Present when the server is in ERROR. */
  fault?: { code?: number; message: string };
  /** Nova's task in progress (`deleting`, `spawning`, …), when the policy shows it. */
  taskState?: string;
}

/** The fields of a server-create request that the fleet sends (nothing else is ever sent). */
export interface CreateServerRequest {
  name: string;
  imageRef: string;
  flavorRef: string;
  networks: { uuid: string }[];
  /** Security groups by name or id (Nova accepts either in `name`). */
  securityGroups?: string[];
  keyName?: string;
  /** Already base64-encoded. */
  userData?: string;
  metadata?: Record<string, string>;
  configDrive?: boolean;
}

/** A Nova flavor. */
export interface Flavor {
  id: string;
  name: string;
  vcpus?: number;
  ram?: number;
  disk?: number;
}

/** A Glance image. */
export interface Image {
  id: string;
  name: string;
  status: string;
  createdAt?: Date;
}

/** A Neutron network. */
export interface Network {
  id: string;
  name: string;
}

/** A Neutron security group. */
export interface SecurityGroup {
  id: string;
  name: string;
}
