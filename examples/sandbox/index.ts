/**
 * A fleet on the runner-fleet sandbox (a simulated GitHub and OpenStack on loopback): the whole
 * Pulumi flow with no cloud and no GitHub account. Start `runner-fleet sandbox`, copy what it
 * prints into this stack's config (see README.md), then `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { RunnerFleet } from "runner-fleet/pulumi";

const config = new pulumi.Config();
const actions = new pulumi.Config("runner-fleet");

const fleet = new RunnerFleet("ci", {
  runners: config.getNumber("runners") ?? 3,
  // What the sandbox seeds (src/sandbox/openstack-seed.ts).
  image: "ubuntu-24.04",
  flavor: "m1.small",
  network: "runners-net",
  labels: ["sandbox"],
  github: {
    path: config.get("repository") ?? "acme/app",
    apiUrl: config.require("githubUrl"),
    token: config.requireSecret("githubToken"),
  },
  openstack: { cloudsYaml: config.requireSecret("cloudsYaml"), cloud: config.get("cloud") ?? "sandbox" },
  // The sandbox boots a VM in about a second: let `up` show the runners online.
  waitFor: "online",
  waitTimeoutSeconds: 120,
  destroyPolicy: { mode: "drain", timeoutSeconds: 60 },
  flush: { trigger: actions.get("flushTrigger") ?? "", mode: actions.get<"idle" | "busy">("flushMode", { allowedValues: ["idle", "busy"] }) },
  cleanup: { trigger: actions.get("cleanupTrigger") ?? "" },
});

export const prefix = fleet.prefix;
export const runnerNames = fleet.runnerNames;
export const counts = fleet.counts;
export const operations = fleet.operations;
