/** The configuration fingerprint recorded on each VM, so rolling updates can tell old runners from new. */
import { createHash } from "node:crypto";
import type { FleetSpec } from "../manager/spec.js";

/** A short hash of what shapes a runner VM: image, flavor, network, security groups, key, labels, user data inputs. */
export function fingerprintOf(spec: Pick<FleetSpec, "image" | "flavor" | "network" | "securityGroups" | "keyName" | "labels" | "vm">): string {
  const shape = {
    image: spec.image,
    flavor: spec.flavor,
    network: spec.network,
    securityGroups: [...spec.securityGroups].sort(),
    keyName: spec.keyName ?? null,
    labels: [...spec.labels].sort(),
    vm: spec.vm,
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 16);
}
