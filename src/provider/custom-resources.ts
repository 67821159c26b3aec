/**
 * The plugin's custom resources: the runner pool and the flush/cleanup operations, served by the
 * very providers the dynamic resources use (src/pulumi/pool-provider.ts, operation-provider.ts).
 * This module only translates: the provider protocol's URN-first signatures and secret marks to
 * the dynamic providers' plain `(id, olds, news)` and back. The providers are loaded on first use,
 * so a plugin asked only for its schema or a construct does not load them before it answers.
 */
import type * as pulumi from "@pulumi/pulumi";
import { PLUGIN_OPERATION_TYPE, PLUGIN_POOL_TYPE } from "../pulumi/type-tokens.js";
import { conceal, reveal } from "./secrets.js";

/** The dynamic-provider shape both resources are implemented as. */
// The pool and the operation have their own input types; this table holds both.
type DynamicProvider = pulumi.dynamic.ResourceProvider<any, any>;

/** One custom resource the plugin serves. */
interface CustomResourceKind {
  load(): Promise<DynamicProvider>;
  /** Output keys that are secret whatever the inputs were: they hold credentials. */
  alwaysSecret: readonly string[];
}

const KINDS: Record<string, CustomResourceKind> = {
  [PLUGIN_POOL_TYPE]: { load: async () => (await import("../pulumi/pool-provider.js")).poolProvider, alwaysSecret: ["credentials"] },
  // An operation carries the pool's whole description, credentials included.
  [PLUGIN_OPERATION_TYPE]: { load: async () => (await import("../pulumi/operation-provider.js")).operationProvider, alwaysSecret: ["pool"] },
};

/** A resource type the plugin does not serve. */
export class UnknownResourceTypeError extends Error {
  constructor(readonly type: string) {
    super(`runner-fleet: unknown resource type '${type}' (this plugin serves ${Object.keys(KINDS).join(", ")})`);
    this.name = "UnknownResourceTypeError";
  }
}

/** The type token of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").at(-1) ?? "";
}

function kindOf(urn: string): CustomResourceKind {
  const kind = KINDS[typeOfUrn(urn)];
  if (!kind) throw new UnknownResourceTypeError(typeOfUrn(urn));
  return kind;
}

type Props = Record<string, unknown>;

/** check/diff/create/read/update/delete of the plugin's custom resources, in the SDK provider's signatures. */
export const customResources: Required<Pick<pulumi.provider.Provider, "check" | "diff" | "create" | "read" | "update" | "delete">> = {
  async check(urn, olds: Props, news: Props) {
    const kind = kindOf(urn);
    const [old, next] = [reveal(olds), reveal(news)];
    const result = await (await kind.load()).check!(old.plain, next.plain);
    return { inputs: conceal(result.inputs ?? next.plain, [...next.secretKeys, ...kind.alwaysSecret]), failures: result.failures ?? [] };
  },

  async diff(id, urn, olds: Props, news: Props) {
    const provider = await kindOf(urn).load();
    // The detailed diff rides on the SDK server's DiffResponse, as in the dynamic host (detailed-diff.ts).
    return provider.diff!(id, reveal(olds).plain, reveal(news).plain);
  },

  async create(urn, inputs: Props) {
    const kind = kindOf(urn);
    const { plain, secretKeys } = reveal(inputs);
    const { id, outs } = await (await kind.load()).create(plain);
    return { id, outs: conceal(outs ?? {}, [...secretKeys, ...kind.alwaysSecret]) };
  },

  async read(id, urn, props?: Props) {
    const kind = kindOf(urn);
    const { plain, secretKeys } = reveal(props);
    const result = await (await kind.load()).read!(id, props ? plain : undefined);
    return { id: result.id ?? id, props: conceal(result.props ?? {}, [...secretKeys, ...kind.alwaysSecret]) };
  },

  async update(id, urn, olds: Props, news: Props) {
    const kind = kindOf(urn);
    const next = reveal(news);
    const { outs } = await (await kind.load()).update!(id, reveal(olds).plain, next.plain);
    return { outs: conceal(outs ?? {}, [...next.secretKeys, ...kind.alwaysSecret]) };
  },

  async delete(id, urn, props: Props) {
    await (await kindOf(urn).load()).delete?.(id, reveal(props).plain);
  },
};
