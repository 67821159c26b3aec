/** The optional egress-only security group, made with @pulumi/openstack (a peer dependency loaded only when asked). */
import { createRequire } from "node:module";
import type * as pulumi from "@pulumi/pulumi";

type OpenStack = typeof import("@pulumi/openstack");

/** Creates a security group that allows all egress and no ingress; returns its id. */
export function egressOnlySecurityGroup(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const openstack = createRequire(import.meta.url)("@pulumi/openstack") as OpenStack;
  const group = new openstack.networking.SecGroup(
    `${name}-egress`,
    { description: "runner-fleet: ephemeral GitHub Actions runners (egress only)", deleteDefaultRules: true },
    { parent },
  );
  for (const ethertype of ["IPv4", "IPv6"] as const) {
    new openstack.networking.SecGroupRule(
      `${name}-egress-${ethertype.toLowerCase()}`,
      { securityGroupId: group.id, direction: "egress", ethertype },
      { parent },
    );
  }
  return group.id;
}
