/**
 * The providers Pulumi serializes into state: thin shims that `require` the installed runner-fleet
 * inside each method (reference pulumi-engine §3.1: `require` is never captured, runs in the
 * provider process and resolves from the program's node_modules). Nothing else is captured: no
 * clients, no secrets, no absolute paths; the text stays the same across releases.
 */
import type * as pulumi from "@pulumi/pulumi";

type Provider = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;
type Loaded = { poolProvider: Provider; operationProvider: Provider };

/** The shim of the runner pool. */
export const poolShim: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => (require("runner-fleet/pulumi-provider") as Loaded).poolProvider.check(olds, news),
  diff: (id, olds, news) => (require("runner-fleet/pulumi-provider") as Loaded).poolProvider.diff(id, olds, news),
  create: (inputs) => (require("runner-fleet/pulumi-provider") as Loaded).poolProvider.create(inputs),
  read: (id, props) => (require("runner-fleet/pulumi-provider") as Loaded).poolProvider.read(id, props),
  update: (id, olds, news) => (require("runner-fleet/pulumi-provider") as Loaded).poolProvider.update(id, olds, news),
  delete: (id, props) => (require("runner-fleet/pulumi-provider") as Loaded).poolProvider.delete(id, props),
};

/** The shim of flush and cleanup operations. */
export const operationShim: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => (require("runner-fleet/pulumi-provider") as Loaded).operationProvider.check(olds, news),
  diff: (id, olds, news) => (require("runner-fleet/pulumi-provider") as Loaded).operationProvider.diff(id, olds, news),
  create: (inputs) => (require("runner-fleet/pulumi-provider") as Loaded).operationProvider.create(inputs),
  read: (id, props) => (require("runner-fleet/pulumi-provider") as Loaded).operationProvider.read(id, props),
  update: (id, olds, news) => (require("runner-fleet/pulumi-provider") as Loaded).operationProvider.update(id, olds, news),
  delete: (id, props) => (require("runner-fleet/pulumi-provider") as Loaded).operationProvider.delete(id, props),
};
