/**
 * One runner fleet from stack config. `pulumi up` keeps `runners` runners registered; refresh
 * (on every up, see Pulumi.yaml) notices the ones jobs consumed, so the next up replaces them.
 * Flush and cleanup are stack actions: `pulumi config set runner-fleet:flushTrigger <new value>`,
 * then `pulumi up`, runs a flush once.
 */
import * as pulumi from "@pulumi/pulumi";
import { RunnerFleet } from "runner-fleet/pulumi";

const config = new pulumi.Config();
// The stack actions live in the library's namespace, the same keys in every project.
const actions = new pulumi.Config("runner-fleet");

const fleet = new RunnerFleet("ci", {
  runners: config.requireNumber("runners"),
  image: config.require("image"),
  flavor: config.require("flavor"),
  network: config.require("network"),
  labels: config.getObject<string[]>("labels") ?? [],
  securityGroups: config.getObject<string[]>("securityGroups") ?? [],
  github: {
    path: config.require("githubPath"),
    token: config.requireSecret("githubToken"),
    // GitHub Enterprise Server, or the sandbox's simulated GitHub.
    apiUrl: config.get("githubApiUrl"),
  },
  // No credentials here: the provider process reads clouds.yaml and OS_* as openstacksdk does.
  openstack: { cloud: config.get("cloud") },
  // Always present with an empty trigger, so that setting a trigger later is a change (which runs
  // the action once) rather than the creation of the operation (which runs nothing).
  flush: { trigger: actions.get("flushTrigger") ?? "", mode: actions.get<"idle" | "busy">("flushMode", { allowedValues: ["idle", "busy"] }) },
  cleanup: { trigger: actions.get("cleanupTrigger") ?? "" },
});

export const prefix = fleet.prefix;
export const runnerNames = fleet.runnerNames;
export const counts = fleet.counts;
export const operations = fleet.operations;
