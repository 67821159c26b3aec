/** Fleet-level helpers of the contract suites: an `OpenStackCloud` on the seeded names, and JIT runners. */
import { createGitHubPlatform } from "../../src/github/platform.js";
import type { JitRunner } from "../../src/manager/ports.js";
import type { OpenStackClient } from "../../src/openstack/client.js";
import { OpenStackCloud } from "../../src/openstack/cloud.js";
import { nova } from "./api.js";
import type { ContractTarget } from "./target.js";

/** Names that exist on both targets (the sandbox's seed, mirrored by scripts/openstack/provision.py). */
export const REFS = { image: "ubuntu-24.04", flavor: "m1.small", network: "runners-net", securityGroups: ["default"] };

/** The fleet adapter for `prefix` on the seeded image, flavor, network and security group. */
export function fleetOf(client: OpenStackClient, prefix: string): OpenStackCloud {
  return new OpenStackCloud({ client, prefix, ...REFS, fingerprint: "contract", managerVersion: "contract" });
}

/** Registers a runner on the sandbox's GitHub (the GitHub side of both targets). */
export function jitRunner(target: ContractTarget, name: string): Promise<JitRunner> {
  const platform = createGitHubPlatform({ auth: { token: target.sandbox.githubToken }, apiUrl: target.sandbox.githubUrl, path: "acme/app" });
  return platform.createJitRunner(name, ["self-hosted", "linux"]);
}

/** A server with no port and no user data: quick on a real Nova, and nothing runs in it in the sandbox. */
export async function createBareServer(client: OpenStackClient, name: string, imageRef: string, flavorRef: string): Promise<string> {
  const response = await nova(client, "POST", "/servers", { server: { name, imageRef, flavorRef, networks: "none" } });
  return (response.body as { server: { id: string } }).server.id;
}
