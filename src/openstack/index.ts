/** The OpenStack side of runner-fleet: configuration, client and the `CloudRunnerManager` adapter. */
export { loadCloudConfig, type LoadCloudConfigOptions } from "./clouds-yaml.js";
export { OpenStackClient, type OpenStackClientOptions } from "./client.js";
export {
  OpenStackCloud,
  cloudStateFromNovaStatus,
  resolveServerConfig,
  type OpenStackCloudOptions,
  type ServerConfig,
  type ServerConfigRefs,
} from "./cloud.js";
export { KeystoneSession, type KeystoneSessionOptions } from "./keystone.js";
export { MICROVERSION_CAP, chooseMicroversion, fleetNameFilter } from "./nova.js";
export { request, type FetchLike, type HttpOptions, type HttpRequest, type HttpResponse, type RetryOptions } from "./http.js";
export type * from "./types.js";
