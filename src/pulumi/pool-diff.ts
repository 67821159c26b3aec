/**
 * `diff` of the runner pool: pure, no API call. The desired count is compared with the count last
 * observed (so consumed ephemeral runners show as drift after a refresh); a new configuration is
 * an update (rolling replacement); a new prefix, GitHub scope or cloud is a replacement.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PoolInputs, PoolOutputs } from "./pool-inputs.js";

/** Inputs whose change makes it another fleet: replace it (the old one is drained first). */
const REPLACE_ON = ["prefix", "github.path", "github.runnerGroup", "github.apiUrl", "openstack.cloud", "openstack.region"] as const;

/** The engine's diff, plus a sentence for the preview. */
export function diffPool(olds: PoolOutputs, news: PoolInputs): pulumi.dynamic.DiffResult & { summary: string } {
  const replaces = REPLACE_ON.filter((path) => !same(get(olds, path), get(news, path)));
  const desired = news.maxRunners === undefined ? news.runners : Math.min(news.runners, news.maxRunners);
  const observed = olds.observed?.total ?? 0;
  const stale = olds.stale ?? 0;
  const changed = [
    ...(desired !== observed ? ["runners"] : []),
    // Consumed or broken VMs left over: the update's reconcile removes them.
    ...(stale > 0 ? ["stale"] : []),
    ...(olds.fingerprint !== news.fingerprint ? ["configuration"] : []),
    ...otherChanges(olds, news),
  ];
  const summary = describe(news.prefix, observed, desired, olds.fingerprint !== news.fingerprint, replaces, stale);
  return {
    changes: replaces.length > 0 || changed.length > 0,
    replaces: [...replaces],
    // Same prefix on both sides would make two fleets claim the same VMs: remove the old first.
    deleteBeforeReplace: olds.prefix === news.prefix,
    summary,
  };
}

function otherChanges(olds: PoolOutputs, news: PoolInputs): string[] {
  const keys = ["credentials", "waitFor", "waitTimeoutSeconds", "destroyPolicy", "createConcurrency", "maxRunners", "metricsFile", "name"] as const;
  return keys.filter((k) => !same(olds[k], news[k]));
}

function describe(prefix: string, observed: number, desired: number, reconfigured: boolean, replaces: readonly string[], stale: number): string {
  if (replaces.length > 0) return `${prefix}: replace the fleet (${replaces.join(", ")} changed)`;
  const delta = desired - observed;
  const count = delta === 0 ? `${desired} runners` : `${observed} → ${desired} runners (${delta > 0 ? "+" : ""}${delta})`;
  const cleanup = stale > 0 ? `, remove ${stale} stale VM${stale > 1 ? "s" : ""}` : "";
  return `${prefix}: ${count}${cleanup}${reconfigured ? ", rolling replacement of idle runners with the new configuration" : ""}`;
}

function get(value: object, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
