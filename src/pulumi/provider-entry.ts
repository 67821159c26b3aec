/**
 * The module the serialized shims `require` at run time (`runner-fleet/pulumi-provider`): the
 * installed library's providers, so the state holds only a tiny, stable shim.
 */
export { poolProvider } from "./pool-provider.js";
export { operationProvider } from "./operation-provider.js";
