/**
 * `check` of the runner pool: every input validated (so `pulumi preview` reports bad input before
 * anything is touched) and, when the cloud is reachable with the given credentials, image, flavor
 * and network resolved by name.
 */
import type * as pulumi from "@pulumi/pulumi";
import { fingerprintOf } from "../fleet/fingerprint.js";
import { ConfigError, FleetError, NotFoundError, type Problem } from "../manager/errors.js";
import { validateSpec } from "../manager/spec.js";
import { type PoolInputs, specOf } from "./pool-inputs.js";
import { checkSizing } from "./pool-sizing.js";
import { managerFor, reason } from "./provider-runtime.js";

// pulumi.runtime.unknownValue: what an input not yet known during preview looks like.
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Paths (dotted) of the values still unknown in preview. */
export function unknownPaths(value: unknown, path = ""): string[] {
  if (value === UNKNOWN) return [path];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, path ? `${path}.${k}` : k));
}

/** What name resolution depends on: unchanged, the names were already resolved by an earlier check. */
function resolutionKey(inputs: Partial<PoolInputs>): string {
  const { image, flavor, network, securityGroups, openstack, credentials } = inputs;
  return JSON.stringify([image, flavor, network, securityGroups, openstack, credentials?.cloudsYaml]);
}

/**
 * Validates the pool's inputs; returns them with their fingerprint (and autoscale with its
 * defaults), plus the failures. Names are resolved against the cloud only when they changed, so
 * previewing an unchanged fleet makes no API call.
 */
export async function checkPool(olds: Partial<PoolInputs>, news: PoolInputs): Promise<pulumi.dynamic.CheckResult<PoolInputs>> {
  const unknown = unknownPaths(news);
  // Problems write list indices in brackets (autoscale.schedule[0].from), unknown paths with dots.
  const relevant = (p: Problem) => {
    const path = p.path.replace(/\[(\d+)\]/g, ".$1");
    return !unknown.some((u) => path === u || path.startsWith(`${u}.`) || u.startsWith(`${path}.`));
  };
  const sizing = checkSizing(news);
  const checked: PoolInputs = sizing.autoscale ? { ...news, autoscale: sizing.autoscale } : news;
  // The spec needs a count; while neither runners nor a valid autoscale gives one, their own problems say why.
  const forSpec = news.runners === undefined && !sizing.autoscale ? { ...checked, runners: 0 } : checked;
  const problems: Problem[] = [...sizing.problems];
  try {
    const spec = validateSpec(specOf(forSpec), process.env);
    const inputs = { ...checked, fingerprint: fingerprintOf(spec) };
    const resolved = olds.image !== undefined && resolutionKey(olds) === resolutionKey(news);
    if (unknown.length === 0 && !resolved) problems.push(...(await resolveNames(forSpec)));
    return { inputs, failures: problems.filter(relevant).map(toFailure) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return { inputs: checked, failures: problems.filter(relevant).map(toFailure) };
  }
}

/** Image, flavor and network by name, where the cloud can be reached; an unreachable cloud is not a failure here. */
async function resolveNames(inputs: PoolInputs): Promise<Problem[]> {
  try {
    await (await managerFor(inputs)).cloud.prepare();
    return [];
  } catch (error) {
    if (error instanceof NotFoundError) return [{ path: error.kind, message: error.message }];
    if (error instanceof ConfigError) return error.problems;
    if (error instanceof FleetError && error.code === "cloud_auth") return [{ path: "openstack", message: reason(error) }];
    // No network or no credentials at preview time: `up` reports it if it persists.
    return [];
  }
}

function toFailure(problem: Problem): pulumi.dynamic.CheckFailure {
  return { property: problem.path.split(".")[0] || "runners", reason: problem.path ? `${problem.path}: ${problem.message}` : problem.message };
}
