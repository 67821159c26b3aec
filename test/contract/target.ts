/**
 * The OpenStack the contract suites run against, chosen by RUNNER_FLEET_OPENSTACK:
 * - `sandbox` (default): the simulated OpenStack of src/sandbox, so the suites run in `./dev test`;
 * - `real`: the services scripts/openstack/setup.sh started, via the clouds.yaml it wrote
 *   (RUNNER_FLEET_OPENSTACK_CLOUDS, default $RUNNER_FLEET_OPENSTACK_DIR/clouds.yaml).
 * Both get a sandbox too: its simulated GitHub is the manager's GitHub side either way.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";

/** Which OpenStack the suites talk to. */
export type TargetKind = "sandbox" | "real";

/** A cloud to run the contract against, with what differs between the two kinds spelled out. */
export interface ContractTarget {
  kind: TargetKind;
  cloudsYaml: string;
  /** Clouds of `cloudsYaml`: a project member by password, the same member by application credential, an admin. */
  clouds: { member: string; appcred: string; admin: string };
  /** The sandbox: the OpenStack when `kind` is `sandbox`, and the GitHub side in both cases. */
  sandbox: Sandbox;
  /**
   * A flavor for a server that must fail scheduling (ERROR, never on a host); call it right before
   * creating that one server. The sandbox fails scheduling by a control; a real Nova only when no
   * host fits, so setup.sh made an admin-only flavor larger than the fake hypervisor.
   */
  unschedulableFlavor(): string;
  /** Upper bound for a server transition: real Nova boots in about 3 s, the sandbox in 50 ms. */
  patienceMs: number;
  close(): Promise<void>;
}

/** The kind named by RUNNER_FLEET_OPENSTACK; anything but sandbox/real is a mistake worth failing on. */
export function targetKind(env: NodeJS.ProcessEnv = process.env): TargetKind {
  const kind = env["RUNNER_FLEET_OPENSTACK"] ?? "sandbox";
  if (kind === "sandbox" || kind === "real") return kind;
  throw new Error(`RUNNER_FLEET_OPENSTACK must be 'sandbox' or 'real', not '${kind}'`);
}

/** Test timeouts per kind: a real server lifecycle takes seconds. */
export const TIMEOUT_MS = targetKind() === "real" ? 180_000 : 30_000;

/** Opens the selected target; `sandbox` options shape the sandbox (both kinds start one). */
export async function openTarget(sandboxOptions: SandboxOptions = {}): Promise<ContractTarget> {
  const kind = targetKind();
  const sandbox = await startSandbox({ bootDelayMs: 50, deleteDelayMs: 50, ...sandboxOptions });
  if (kind === "sandbox") {
    return {
      kind,
      cloudsYaml: sandbox.cloudsYaml,
      clouds: { member: "sandbox", appcred: "sandbox-appcred", admin: "sandbox-admin" },
      sandbox,
      unschedulableFlavor: () => {
        sandbox.failNextServers(1);
        return "1";
      },
      patienceMs: 10_000,
      close: () => sandbox.close(),
    };
  }
  return {
    kind,
    cloudsYaml: readRealCloudsYaml(),
    clouds: { member: "demo", appcred: "demo-appcred", admin: "admin" },
    sandbox,
    unschedulableFlavor: () => "rf-unschedulable",
    patienceMs: 90_000,
    close: () => sandbox.close(),
  };
}

function readRealCloudsYaml(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env["RUNNER_FLEET_OPENSTACK_DIR"] ?? "/tmp/runner-fleet-openstack";
  const path = env["RUNNER_FLEET_OPENSTACK_CLOUDS"] ?? join(dir, "clouds.yaml");
  if (!existsSync(path)) {
    throw new Error(`RUNNER_FLEET_OPENSTACK=real needs ${path}; start the services with scripts/openstack/setup.sh (or set RUNNER_FLEET_OPENSTACK_CLOUDS)`);
  }
  return readFileSync(path, "utf8");
}
