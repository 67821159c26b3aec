/**
 * Reading a stack's exported state (`pulumi stack export`, `Stack.exportStack()`): the fleets, their
 * pools and flush/cleanup operation resources, and what the operations last did. Plain JSON in,
 * no Pulumi import: unit-tested on literal states.
 */
import { ConfigError } from "../manager/errors.js";
import { FLEET_TYPE, OPERATION_TYPE, OPERATION_TYPES, POOL_TYPE, POOL_TYPES } from "../pulumi/type-tokens.js";

export { FLEET_TYPE, OPERATION_TYPE, OPERATION_TYPES, POOL_TYPE, POOL_TYPES };

/** A flush or cleanup. */
export type OperationKind = "flush" | "cleanup";

/** One resource of the state, as far as the CLI reads it. */
export interface StateResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

/** A fleet's resource that a stack action targets. */
export interface FleetResource {
  fleet: string;
  urn: string;
}

/** What an operation's last run did (its `lastRun` output; see src/pulumi/operation-provider.ts). */
export interface LastRun {
  trigger: string;
  at: string;
  kind: OperationKind;
  mode?: "idle" | "busy";
  deletedVms: number;
  deregisteredRunners: number;
  keptBusy: number;
  created: number;
}

/** The resources of an exported stack (`{ version, deployment: { resources } }`). */
export function resourcesOf(exported: unknown): StateResource[] {
  const resources = (exported as { deployment?: { resources?: unknown } } | undefined)?.deployment?.resources;
  return Array.isArray(resources) ? resources.filter(isResource) : [];
}

/** The resource name in a URN (`urn:pulumi:stack::project::type::name`). */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The names of the stack's RunnerFleets, sorted. */
export function fleetNames(resources: readonly StateResource[]): string[] {
  return resources.filter((r) => r.type === FLEET_TYPE).map((r) => urnName(r.urn)).sort();
}

/**
 * The `kind` operation of every fleet, or of `fleet` only. A `ConfigError` (exit 2) when the stack
 * has no such fleet or a fleet has no such operation, saying how the program must wire it.
 */
export function findOperations(resources: readonly StateResource[], kind: OperationKind, stack: string, fleet?: string): FleetResource[] {
  const fleets = selectFleets(resources, stack, fleet);
  const missing = fleets.filter((f) => !resources.some((r) => OPERATION_TYPES.includes(r.type) && urnName(r.urn) === `${f}-${kind}`));
  if (missing.length > 0) {
    const others = fleet === undefined && missing.length < fleets.length ? ` (or pick a fleet that has one with --fleet: ${fleets.filter((f) => !missing.includes(f)).join(", ")})` : "";
    throw new ConfigError([{ path: missing.length === 1 ? `fleet ${missing[0]}` : `fleets ${missing.join(", ")}`, message: `has no ${kind} operation (${missing.map((f) => `${f}-${kind}`).join(", ")}) in stack '${stack}': ${wiring(kind)}, then \`pulumi up\` once${others}` }]);
  }
  return fleets.map((f) => ({ fleet: f, urn: resources.find((r) => OPERATION_TYPES.includes(r.type) && urnName(r.urn) === `${f}-${kind}`)?.urn ?? "" }));
}

/** The runner pool of every fleet, or of `fleet` only (`ConfigError` when there is none). */
export function findPools(resources: readonly StateResource[], stack: string, fleet?: string): FleetResource[] {
  return selectFleets(resources, stack, fleet).flatMap((f) => {
    const pool = resources.find((r) => POOL_TYPES.includes(r.type) && urnName(r.urn) === `${f}-pool`);
    return pool ? [{ fleet: f, urn: pool.urn }] : [];
  });
}

/** The `lastRun` output of the resource `urn`, if it ever ran. */
export function lastRunOf(resources: readonly StateResource[], urn: string): LastRun | undefined {
  const lastRun = resources.find((r) => r.urn === urn)?.outputs?.lastRun;
  return lastRun && typeof lastRun === "object" && typeof (lastRun as LastRun).trigger === "string" ? (lastRun as LastRun) : undefined;
}

/** The observed counts of the pool `urn` (its `observed` output). */
export function observedOf(resources: readonly StateResource[], urn: string): { total: number; idle: number; busy: number; offline: number } | undefined {
  const observed = resources.find((r) => r.urn === urn)?.outputs?.observed;
  return observed && typeof observed === "object" && typeof (observed as { total?: unknown }).total === "number" ? (observed as { total: number; idle: number; busy: number; offline: number }) : undefined;
}

/** How a program wires a stack action to the config keys the CLI sets. */
export function wiring(kind: OperationKind): string {
  return kind === "flush"
    ? 'the program must pass `flush: { trigger: new pulumi.Config("runner-fleet").get("flushTrigger") ?? "", mode: new pulumi.Config("runner-fleet").get("flushMode") }` to RunnerFleet, as examples/basic does'
    : 'the program must pass `cleanup: { trigger: new pulumi.Config("runner-fleet").get("cleanupTrigger") ?? "" }` to RunnerFleet, as examples/basic does';
}

// --- internal ---

function selectFleets(resources: readonly StateResource[], stack: string, fleet?: string): string[] {
  const all = fleetNames(resources);
  if (all.length === 0) {
    throw new ConfigError([{ path: `stack ${stack}`, message: "has no RunnerFleet in its state: deploy the program first (`pulumi up`)" }]);
  }
  if (fleet === undefined) return all;
  if (!all.includes(fleet)) throw new ConfigError([{ path: `--fleet ${fleet}`, message: `no such RunnerFleet in stack '${stack}'; its fleets: ${all.join(", ")}` }]);
  return [fleet];
}

function isResource(value: unknown): value is StateResource {
  return typeof value === "object" && value !== null && typeof (value as StateResource).urn === "string" && typeof (value as StateResource).type === "string";
}
