/**
 * Runners inside an infrastructure stack: @pulumi/openstack makes the network, subnet, router (when
 * the cloud has an external network) and security group; two fleets of different flavors use them,
 * so `pulumi up` builds the lot in dependency order and `pulumi destroy` drains the fleets before
 * the network goes.
 */
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { RunnerFleet } from "runner-fleet/pulumi";

const config = new pulumi.Config();
const actions = new pulumi.Config("runner-fleet");
// The fleets talk to the cloud the openstack provider uses (`pulumi config set openstack:cloud …`).
const cloud = new pulumi.Config("openstack").get("cloud");

const network = new openstack.networking.Network("runners", { adminStateUp: true });
const subnet = new openstack.networking.Subnet("runners", {
  networkId: network.id,
  cidr: config.get("cidr") ?? "10.60.0.0/24",
  dnsNameservers: config.getObject<string[]>("dnsNameservers") ?? ["1.1.1.1", "8.8.8.8"],
});
// Runners need egress to reach GitHub: route the subnet to the external network. A cloud without
// one (a provider network with its own gateway, or a test cloud) leaves externalNetworkId empty.
const externalNetworkId = config.get("externalNetworkId");
const router = externalNetworkId ? new openstack.networking.Router("runners", { externalNetworkId }) : undefined;
const routerInterface = router && new openstack.networking.RouterInterface("runners", { routerId: router.id, subnetId: subnet.id });

// Egress only: nothing needs to reach a runner; it polls GitHub.
const group = new openstack.networking.SecGroup("runners", { description: "GitHub Actions runners (egress only)", deleteDefaultRules: true });
const rules = (["IPv4", "IPv6"] as const).map(
  (ethertype) => new openstack.networking.SecGroupRule(`runners-egress-${ethertype.toLowerCase()}`, { securityGroupId: group.id, direction: "egress", ethertype }),
);

const common = {
  image: config.require("image"),
  // The network's id as the subnet reports it: the fleets then wait for the subnet, not only the network.
  network: subnet.networkId,
  securityGroups: [group.name],
  // apiUrl: GitHub Enterprise Server's API (https://ghe.example/api/v3), or the sandbox's; empty for github.com.
  github: { path: config.require("githubPath"), token: config.requireSecret("githubToken"), apiUrl: config.get("githubApiUrl") || undefined },
  openstack: { cloud },
  flush: { trigger: actions.get("flushTrigger") ?? "", mode: actions.get<"idle" | "busy">("flushMode", { allowedValues: ["idle", "busy"] }) },
  cleanup: { trigger: actions.get("cleanupTrigger") ?? "" },
};
// Booting a VM before its router and rules exist would leave it without egress.
const ready = { dependsOn: [...(routerInterface ? [routerInterface] : []), ...rules] };

const small = new RunnerFleet("small", { ...common, runners: config.getNumber("smallRunners") ?? 3, flavor: config.get("smallFlavor") ?? "m1.small", labels: ["small"] }, ready);
const large = new RunnerFleet("large", { ...common, runners: config.getNumber("largeRunners") ?? 1, flavor: config.get("largeFlavor") ?? "m1.large", labels: ["large"] }, ready);

export const networkId = network.id;
export const subnetId = subnet.id;
export const securityGroup = group.name;
export const fleets = { small: { prefix: small.prefix, counts: small.counts }, large: { prefix: large.prefix, counts: large.counts } };
