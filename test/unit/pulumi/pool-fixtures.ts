/** A runner pool's checked inputs and observed members, for the diff and check tables. */
import type { PoolInputs } from "../../../src/pulumi/pool-inputs.js";
import type { ObservedMember } from "../../../src/pulumi/pool-observation.js";

/** A fixed fleet of 3 on the sandbox cloud, as `check` returns it. */
export const inputs: PoolInputs = {
  prefix: "ci",
  name: "ci",
  runners: 3,
  image: "ubuntu-24.04",
  flavor: "m1.small",
  network: "runners-net",
  labels: [],
  securityGroups: [],
  github: { path: "acme/app" },
  openstack: { cloud: "sandbox" },
  vm: {},
  waitFor: "none",
  waitTimeoutSeconds: 600,
  destroyPolicy: { mode: "drain", timeoutSeconds: 600 },
  credentials: { githubToken: "t" },
  fingerprint: "fp-1",
};

/** VM `n` (1–9) of fleet `ci`, created at 10:0n. */
export const member = (n: number, state: ObservedMember["state"], fingerprint = "fp-1"): ObservedMember => ({
  name: `ci-00000000000${n}`,
  state,
  createdAt: `2026-12-01T10:0${n}:00.000Z`,
  fingerprint,
});
