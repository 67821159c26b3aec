/**
 * examples/openstack-stack for real: the `openstack` resource plugin (built from upstream sources
 * where it cannot be downloaded: scripts/pulumi-plugin.sh) makes a network, subnet, security
 * group and rules, and two RunnerFleets boot VMs on them, registering their runners with the
 * sandbox's GitHub. Copied as is, run with the real CLI, against two clouds with one suite:
 * - the real OpenStack of scripts/openstack/ (its Neutron has no L3 plugin: no router). Nova's fake
 *   driver boots nothing, so these runners never come online: the test checks what is true there
 *   (servers on the new network with the new group, Neutron ports, GitHub registrations, everything
 *   gone after destroy) and nothing that would need a runner process;
 * - the sandbox's own OpenStack, with an external network an admin made, so the router and its
 *   interface are made too.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCloudConfig } from "../../src/openstack/clouds-yaml.js";
import { OpenStackClient } from "../../src/openstack/client.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectNoSecret, names, runnersOf, startE2eSandbox } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createPulumiProject, FleetStack, type PreviewJson, type PulumiProject } from "../support/pulumi-project.js";
import {
  ensureOpenStackPlugin, ensureRealOpenStack, neutronList, type NeutronPort, type NovaServer, realClient, REAL_OPENSTACK_SETUP_TIMEOUT_MS, serversOf,
} from "../support/real-openstack.js";
import { waitFor } from "../support/wait.js";

const STACK = "os";
const SMALL = `${STACK}-small`;
const LARGE = `${STACK}-large`;

/** Where the stack's OpenStack resources go: its clouds.yaml, cloud, and an external network if it has one. */
interface Cloud {
  cloudsYamlPath: string;
  cloud: string;
  client: OpenStackClient;
  externalNetworkId?: string;
}

/** The real OpenStack of scripts/openstack/, as its project member. */
async function realCloud(): Promise<Cloud> {
  const openstack = await ensureRealOpenStack();
  return { cloudsYamlPath: openstack.cloudsYamlPath, cloud: openstack.cloud, client: realClient(openstack) };
}

/** The sandbox's OpenStack, with an external network and subnet as an admin makes them (router:external is admin-only). */
async function sandboxCloud(s: Sandbox, dir: string): Promise<Cloud> {
  const cloudsYamlPath = join(dir, "sandbox-clouds.yaml");
  await writeFile(cloudsYamlPath, s.cloudsYaml);
  const clientOf = (cloud: string) => new OpenStackClient({ cloud: loadCloudConfig({ cloudsYaml: s.cloudsYaml, cloud, env: {} }), timeoutMs: 30_000 });
  const admin = clientOf("sandbox-admin");
  const baseUrl = (await admin.session.endpoint("network")).replace(/\/v2\.0\/?$/, "");
  const post = async (path: string, body: unknown) => (await admin.session.send({ service: "Neutron", method: "POST", baseUrl, path, body })).body as Record<string, { id: string }>;
  const external = (await post("/v2.0/networks", { network: { name: "public", "router:external": true } })).network!.id;
  await post("/v2.0/subnets", { subnet: { network_id: external, ip_version: 4, cidr: "172.24.4.0/24", name: "public-subnet" } });
  return { cloudsYamlPath, cloud: s.cloudName, client: clientOf(s.cloudName), externalNetworkId: external };
}

describe.each([
  ["a real OpenStack", "real"],
  ["the sandbox's OpenStack, with a router", "sandbox"],
] as const)("examples/openstack-stack with the real openstack provider on %s", (_name, target) => {
  let sandbox: Sandbox;
  let project: PulumiProject;
  let stack: FleetStack;
  let cloud: OpenStackClient;
  let external: string | undefined;

  beforeAll(async () => {
    const [engine] = await Promise.all([ensurePulumiEngine(), target === "real" ? ensureRealOpenStack() : undefined]);
    sandbox = await startE2eSandbox();
    project = await createPulumiProject({ copy: { "examples/openstack-stack": "." }, extras: ["@pulumi/openstack"] });
    const openstack = target === "real" ? await realCloud() : await sandboxCloud(sandbox, project.work);
    cloud = openstack.client;
    external = openstack.externalNetworkId;
    // Both providers read clouds.yaml the way openstacksdk does.
    project.env["OS_CLIENT_CONFIG_FILE"] = openstack.cloudsYamlPath;
    await ensureOpenStackPlugin(`${engine.binDir}/pulumi`, project.env);
    await project.pulumi(["stack", "init", STACK]);
    stack = new FleetStack(project, STACK);
    const config: [string, string, boolean?][] = [
      ["openstack:cloud", openstack.cloud],
      ["image", "ubuntu-24.04"],
      ["githubPath", "acme/os-stack"],
      ["githubApiUrl", sandbox.githubUrl],
      ["githubToken", sandbox.githubToken, true],
      ["smallRunners", "2"],
      ["largeRunners", "1"],
      ["largeFlavor", "m1.medium"],
      ...(external ? [["externalNetworkId", external] as [string, string]] : []),
    ];
    for (const [key, value, secret] of config) await stack.config(key, value, { secret });
  }, ENGINE_BUILD_TIMEOUT_MS + REAL_OPENSTACK_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    // A failed run must not leave servers in the shared cloud: destroy whatever is left.
    if (stack) await stack.run(["destroy", "--yes", "--skip-preview"], { allowFailure: true });
    await sandbox?.close();
    await project?.remove();
  });

  /** `op type name` of every step that changes something, sorted (providers and the stack left out). */
  function changes(preview: PreviewJson): string[] {
    return preview.steps
      .filter((s) => s.op !== "same" && s.op !== "refresh" && !/:(pulumi:Stack|providers:)/.test(s.urn))
      .map((s) => `${s.op} ${s.urn.split("::").slice(-2).join(" ")}`)
      .sort();
  }

  /** The stack's network, subnet and group as its outputs name them. */
  async function created(): Promise<{ networkId: string; subnetId: string; securityGroup: string }> {
    return (await stack.outputs()) as { networkId: string; subnetId: string; securityGroup: string };
  }

  /** Waits until a fleet has `count` ACTIVE servers in Nova; returns them. */
  async function activeServers(prefix: string, count: number): Promise<NovaServer[]> {
    return waitFor(`${count} ACTIVE servers of ${prefix} in Nova`, async () => {
      const servers = await serversOf(cloud, prefix);
      return servers.length === count && servers.every((s) => s.status === "ACTIVE") ? servers : undefined;
    }, 120_000, 500);
  }

    it("previews the network, subnet, security group, its two rules, a router only where the cloud has an external network, and both fleets", async () => {
      const preview = await stack.preview();
      const fleet = (name: string) => [
        `create runner-fleet:index:RunnerFleet ${name}`,
        `create runner-fleet:index:RunnerFleet$pulumi-nodejs:dynamic/runner-fleet:FleetOperation ${name}-cleanup`,
        `create runner-fleet:index:RunnerFleet$pulumi-nodejs:dynamic/runner-fleet:FleetOperation ${name}-flush`,
        `create runner-fleet:index:RunnerFleet$pulumi-nodejs:dynamic/runner-fleet:RunnerPool ${name}-pool`,
      ];
      expect(changes(preview)).toEqual([
        "create openstack:networking/network:Network runners",
        "create openstack:networking/secGroup:SecGroup runners",
        "create openstack:networking/secGroupRule:SecGroupRule runners-egress-ipv4",
        "create openstack:networking/secGroupRule:SecGroupRule runners-egress-ipv6",
        "create openstack:networking/subnet:Subnet runners",
        ...(external ? ["create openstack:networking/router:Router runners", "create openstack:networking/routerInterface:RouterInterface runners"] : []),
        ...fleet("large"),
        ...fleet("small"),
      ].sort());
    });

    it("boots the fleets' VMs on the new network with the new security group and registers their runners on GitHub", async () => {
      await stack.up();
      const { networkId, subnetId, securityGroup } = await created();
      const [group] = await neutronList<{ id: string }>(cloud, "security-groups", { name: securityGroup });
      const servers = [...(await activeServers(SMALL, 2)), ...(await activeServers(LARGE, 1))];
      const ports = await neutronList<NeutronPort>(cloud, "ports", { network_id: networkId });
      for (const server of servers) {
        expect(server.security_groups?.map((g) => g.name)).toEqual([securityGroup]);
        const port = ports.find((p) => p.device_id === server.id);
        expect(port, `a port of ${server.name} on the stack's network`).toBeDefined();
        expect(port?.security_groups).toEqual([group?.id]);
        expect(port?.fixed_ips.map((ip) => ip.subnet_id)).toEqual([subnetId]);
      }
      expect(names(runnersOf(sandbox, SMALL))).toEqual(names((await serversOf(cloud, SMALL))));
      expect(names(runnersOf(sandbox, LARGE))).toEqual(names((await serversOf(cloud, LARGE))));
    });

    it("previews a change of smallRunners as +1 on the small fleet alone, and up applies it", async () => {
      await stack.config("smallRunners", 3);
      const preview = await stack.preview({ refresh: true });
      // The small pool alone: the operations change only with their trigger or the fleet's identity.
      expect(changes(preview)).toEqual(["update runner-fleet:index:RunnerFleet$pulumi-nodejs:dynamic/runner-fleet:RunnerPool small-pool"]);
      expect(JSON.stringify(preview.diagnostics ?? [])).toContain(`${SMALL}: plan: 2 → 3 runners (+1)`);
      await stack.up();
      await activeServers(SMALL, 3);
      expect(runnersOf(sandbox, SMALL)).toHaveLength(3);
    });

    it("flushes every runner through the flush trigger and replaces them with new VMs on the same network", async () => {
      const before = [...names(await serversOf(cloud, SMALL)), ...names(await serversOf(cloud, LARGE))];
      await stack.config("runner-fleet:flushMode", "busy");
      await stack.config("runner-fleet:flushTrigger", "1");
      await stack.up();
      const after = [...(await activeServers(SMALL, 3)), ...(await activeServers(LARGE, 1))];
      expect(after.map((s) => s.name).filter((name) => before.includes(name))).toEqual([]);
      const { networkId } = await created();
      const ports = await neutronList<NeutronPort>(cloud, "ports", { network_id: networkId });
      expect(after.every((s) => ports.some((p) => p.device_id === s.id))).toBe(true);
    });

    it("previews the unchanged stack, refreshed from both clouds, with no change at all", async () => {
      const preview = await stack.preview({ refresh: true });
      expect(changes(preview)).toEqual([]);
      expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
    });

    it("destroys the fleets before the network: nothing is left in Nova, Neutron or GitHub", async () => {
      const { networkId, subnetId, securityGroup } = await created();
      await stack.destroy();
      expect([...(await serversOf(cloud, SMALL)), ...(await serversOf(cloud, LARGE))]).toEqual([]);
      expect(await neutronList(cloud, "networks", { id: networkId })).toEqual([]);
      expect(await neutronList(cloud, "subnets", { id: subnetId })).toEqual([]);
      expect(await neutronList(cloud, "security-groups", { name: securityGroup })).toEqual([]);
      expect(await neutronList(cloud, "ports", { network_id: networkId })).toEqual([]);
      expect([...runnersOf(sandbox, SMALL), ...runnersOf(sandbox, LARGE)]).toEqual([]);
      expectNoSecret(project.transcript.join("\n"), sandbox, "the CLI's output");
    });
});
