/**
 * The providers Pulumi serializes into state: thin shims that `require` the installed runner-fleet
 * inside each method (reference pulumi-engine §3.1: `require` is never captured, runs in the
 * provider process and resolves from the program's node_modules). Nothing else is captured but
 * the provider's name: no clients, no secrets, no absolute paths; the text stays the same across
 * releases, so upgrading the package upgrades every method, `read` and `delete` included.
 */
import type * as pulumi from "@pulumi/pulumi";

type Provider = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;
type Exported = "poolProvider" | "operationProvider";

function shimOf(exported: Exported): pulumi.dynamic.ResourceProvider {
  const load = (): Provider => (require("runner-fleet/pulumi-provider") as Record<Exported, Provider>)[exported];
  return {
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
  };
}

/** The shim of the runner pool. */
export const poolShim = shimOf("poolProvider");

/** The shim of flush and cleanup operations. */
export const operationShim = shimOf("operationProvider");
