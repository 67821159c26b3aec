/** Fixtures of the RunnerFleet component tests: type tokens, test secrets, mock outputs, example runs. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { type Registered, reveal, startMocks } from "./mocks.js";
import { runProgram } from "./mocks-programs.js";

export const FLEET = "runner-fleet:index:RunnerFleet";
export const POOL = "pulumi-nodejs:dynamic/runner-fleet:RunnerPool";
export const OPERATION = "pulumi-nodejs:dynamic/runner-fleet:FleetOperation";
export const SEC_GROUP = "openstack:networking/secGroup:SecGroup";
export const SEC_GROUP_RULE = "openstack:networking/secGroupRule:SecGroupRule";

// Test values (not secrets), distinctive enough to search the inputs for.
export const TOKEN = "ghp_unit-test-token-0123456789";
export const PASSWORD = "os-unit-test-password";
export const APP_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIunit-test-key\n-----END RSA PRIVATE KEY-----";
export const COUNTS = { total: 2, idle: 1, busy: 1, offline: 0 };
export const NAMES = ["dev-ci-0123456789ab", "dev-ci-ba9876543210"];

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The modules under test, imported once mocks are set. */
export interface FleetModules {
  RunnerFleet: typeof import("../../../src/pulumi/runner-fleet.js").RunnerFleet;
  defaultPrefix: typeof import("../../../src/pulumi/runner-fleet.js").defaultPrefix;
  openstack: typeof import("@pulumi/openstack");
  /** The package root (src/index.ts), served to the examples as `runner-fleet`. */
  library: unknown;
  /** src/pulumi/index.ts, served as `runner-fleet/pulumi`. */
  component: unknown;
}

/** Sets mocks, then imports: modules that register resources must see the mocks (reference pulumi-engine §4.3). */
export async function loadModules(): Promise<FleetModules> {
  await startMocks();
  const { RunnerFleet, defaultPrefix } = await import("../../../src/pulumi/runner-fleet.js");
  return {
    RunnerFleet,
    defaultPrefix,
    openstack: await import("@pulumi/openstack"),
    library: await import("../../../src/index.js"),
    component: await import("../../../src/pulumi/index.js"),
  };
}

/** What the engine would report after create: the pool's observations, an operation's last run, an auto-name. */
export function outputsOf(type: string, name: string): Record<string, unknown> {
  if (type === POOL) return { observed: COUNTS, runnerNames: NAMES };
  if (type === OPERATION) return { lastRun: { trigger: "t1", kind: name.endsWith("flush") ? "flush" : "cleanup", deletedVms: 1 } };
  if (type === SEC_GROUP) return { name: `${name}-3f9a1c` };
  return {};
}

/** The pool's inputs other than the serialized provider, secrets unwrapped, absent (null) values dropped. */
export function poolInputs(pool: Registered): Record<string, unknown> {
  const { __provider: _, ...inputs } = reveal(pool.inputs) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== null && v !== undefined));
}

/** Everything a pool stores except its credentials, as text (to look for leaked secrets). */
export function withoutCredentials(pool: Registered): string {
  const { credentials: _, ...rest } = reveal(pool.inputs) as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** Runs an example program under mocks as `project`, stack `dev`; config keys without a namespace get the project's. */
export async function runUnderMocks(modules: FleetModules, program: string, project: string, config: Record<string, string>, secrets: string[] = []) {
  const full = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const recording = await startMocks({
    project,
    outputsOf,
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [full(k), v])),
    secretKeys: secrets.map(full),
  });
  const exports = runProgram(join(ROOT, program), { "@pulumi/pulumi": pulumi, "@pulumi/openstack": modules.openstack, "runner-fleet": modules.library, "runner-fleet/pulumi": modules.component });
  return { exports, resources: await recording.settled() };
}
