/**
 * The demo stack (root Pulumi.yaml): one runner fleet on a running sandbox, with flush and cleanup
 * as stack actions. The demo script starts the sandbox and sets this stack's config from it:
 * `githubUrl`, `githubToken` (secret), `cloudsYaml` (secret), optionally `runners`. The program and
 * the dynamic provider resolve `runner-fleet` from pulumi/demo/node_modules: `npm install` here
 * once (it links ../.. and needs `./dev build`).
 */
import * as pulumi from "@pulumi/pulumi";
import { RunnerFleet } from "runner-fleet/pulumi";

const config = new pulumi.Config();
const actions = new pulumi.Config("runner-fleet");

const fleet = new RunnerFleet("ci", {
  runners: config.getNumber("runners") ?? 3,
  // Seeded by the sandbox (src/sandbox/openstack-seed.ts).
  image: "ubuntu-24.04",
  flavor: "m1.small",
  network: "runners-net",
  labels: ["demo"],
  github: { path: config.get("repository") ?? "acme/app", apiUrl: config.require("githubUrl"), token: config.requireSecret("githubToken") },
  openstack: { cloudsYaml: config.requireSecret("cloudsYaml"), cloud: "sandbox" },
  waitFor: "online",
  waitTimeoutSeconds: 120,
  destroyPolicy: { mode: "drain", timeoutSeconds: 60 },
  // Present from the first `up` with an empty trigger, so a new trigger value is an update that runs once.
  flush: { trigger: actions.get("flushTrigger") ?? "", mode: actions.get<"idle" | "busy">("flushMode", { allowedValues: ["idle", "busy"] }) },
  cleanup: { trigger: actions.get("cleanupTrigger") ?? "" },
});

export const prefix = fleet.prefix;
export const runnerNames = fleet.runnerNames;
export const counts = fleet.counts;
export const operations = fleet.operations;
