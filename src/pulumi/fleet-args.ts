/** The arguments of `RunnerFleet` (SPEC §5); every field is a `pulumi.Input`. */
import type * as pulumi from "@pulumi/pulumi";
import type { RunnerVmOptions } from "../manager/user-data.js";

/** GitHub scope and credentials of a fleet. */
export interface FleetGitHubArgs {
  /** `org`, `owner/repo` or `enterprise:slug`. */
  path: pulumi.Input<string>;
  /** Runner group of org and enterprise runners (default "default"). */
  runnerGroup?: pulumi.Input<string>;
  /** A PAT; secret. Without token and app, the provider's GITHUB_TOKEN is used. */
  token?: pulumi.Input<string>;
  /** A GitHub App installation; the private key is secret. */
  app?: pulumi.Input<{ appId: pulumi.Input<number | string>; installationId: pulumi.Input<number>; privateKey: pulumi.Input<string> }>;
  /** GitHub Enterprise Server: `https://ghe.example/api/v3`. */
  apiUrl?: pulumi.Input<string>;
}

/** OpenStack password or application-credential auth, as clouds.yaml's `auth` section. */
export interface FleetOpenStackAuth {
  authUrl: pulumi.Input<string>;
  username?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
  projectName?: pulumi.Input<string>;
  userDomainName?: pulumi.Input<string>;
  projectDomainName?: pulumi.Input<string>;
  applicationCredentialId?: pulumi.Input<string>;
  applicationCredentialSecret?: pulumi.Input<string>;
}

/** Which cloud; default: the ambient clouds.yaml / OS_* environment, as openstacksdk reads it. */
export interface FleetOpenStackArgs {
  cloud?: pulumi.Input<string>;
  /** A whole clouds.yaml text; secret. */
  cloudsYaml?: pulumi.Input<string>;
  auth?: pulumi.Input<FleetOpenStackAuth>;
  region?: pulumi.Input<string>;
}

/** Arguments of a `RunnerFleet`. */
export interface RunnerFleetArgs {
  /** Desired number of idle-or-busy runners. */
  runners: pulumi.Input<number>;
  /** Image name or id (e.g. an `openstack.images.Image`'s name). */
  image: pulumi.Input<string>;
  flavor: pulumi.Input<string>;
  /** Network name or id (e.g. an `openstack.networking.Network`'s id). */
  network: pulumi.Input<string>;
  github: pulumi.Input<FleetGitHubArgs>;
  openstack?: pulumi.Input<FleetOpenStackArgs>;
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group names or ids. */
  securityGroups?: pulumi.Input<pulumi.Input<string>[]>;
  keyName?: pulumi.Input<string>;
  /** Fleet prefix (default: derived from the stack and the fleet's name). */
  prefix?: pulumi.Input<string>;
  /** The VM side: pre-job script, proxy, extra cloud-init, runner location. */
  userData?: pulumi.Input<RunnerVmOptions>;
  maxRunners?: pulumi.Input<number>;
  createConcurrency?: pulumi.Input<number>;
  /** Whether `up` waits for VMs to be ACTIVE or runners online (default "none"). */
  waitFor?: pulumi.Input<"none" | "active" | "online">;
  waitTimeoutSeconds?: pulumi.Input<number>;
  /** How `destroy` removes runners (default: drain for 600 s, then force). */
  destroyPolicy?: pulumi.Input<{ mode: pulumi.Input<"drain" | "force">; timeoutSeconds: pulumi.Input<number> }>;
  /** Flush as a stack action: a new trigger value runs it once in `up`. */
  flush?: pulumi.Input<{ mode?: pulumi.Input<"idle" | "busy">; trigger: pulumi.Input<string> }>;
  /** Cleanup as a stack action: a new trigger value runs it once in `up`. */
  cleanup?: pulumi.Input<{ trigger: pulumi.Input<string> }>;
  /** Create an egress-only security group with @pulumi/openstack and use it. */
  createSecurityGroup?: boolean;
  /** JSON-lines metric events file, written by the provider process. */
  metricsFile?: pulumi.Input<string>;
}
