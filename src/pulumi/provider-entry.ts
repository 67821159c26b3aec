/**
 * The module the `__provider` texts `require` at run time (`runner-fleet/pulumi-provider`,
 * provider-module.ts): the installed library's providers, so the state holds only a tiny, stable text.
 */
export { poolProvider } from "./pool-provider.js";
export { operationProvider } from "./operation-provider.js";
