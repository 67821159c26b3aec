/**
 * The providers Pulumi stores in state, as the `__provider` text of each dynamic resource: tiny
 * CommonJS modules that `require` the installed runner-fleet inside each method. The provider
 * process loads the text with `requireFromString(text).handler()` (reference pulumi-engine §3.1);
 * `require` resolves from the program directory's node_modules there.
 *
 * Written out here rather than produced by `pulumi.runtime.serializeFunction`, which is what
 * `pulumi.dynamic.Resource` does: the text is the same every run, holds no client, secret or
 * absolute path, and the program skips the closure serializer (an inspector session and a
 * TypeScript parse: about 0.4 s of every `pulumi preview`). Since the text never changes across
 * releases, upgrading the package upgrades every method, `read` and `delete` included.
 */

/** The `runner-fleet/pulumi-provider` export a provider module delegates to. */
export type ProviderExport = "poolProvider" | "operationProvider";

/** The methods a provider module delegates; the same set as `pulumi.dynamic.ResourceProvider`'s. */
const METHODS = {
  check: "olds, news",
  diff: "id, olds, news",
  create: "inputs",
  read: "id, props",
  update: "id, olds, news",
  delete: "id, props",
} as const;

/** The `__provider` text of a dynamic resource whose methods are `runner-fleet/pulumi-provider`'s `exported`. */
export function providerModule(exported: ProviderExport): string {
  const methods = Object.entries(METHODS).map(([method, params]) => `  ${method}: (${params}) => load().${method}(${params}),`);
  return [
    `"use strict";`,
    `// runner-fleet's ${exported}: the installed package does the work.`,
    `const load = () => require("runner-fleet/pulumi-provider").${exported};`,
    `exports.handler = () => ({`,
    ...methods,
    `});`,
    ``,
  ].join("\n");
}
