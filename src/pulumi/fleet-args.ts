/** The arguments of `RunnerFleet` (SPEC §5); every field is a `pulumi.Input`. */
import type * as pulumi from "@pulumi/pulumi";
import type { ScheduleWindow } from "../autoscale/config.js";
import type { RunnerVmOptions } from "../manager/user-data.js";

export type { ScheduleWindow } from "../autoscale/config.js";

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

/**
 * Demand-driven sizing (SPEC §9): `runner-fleet serve` reads these from the stack and, between
 * deployments, starts runners for queued jobs and retires idle ones, within floor and ceiling.
 */
export interface FleetAutoscaleArgs {
  /** Idle runners serve keeps warm on top of busy ones and queued jobs; 0 lets the fleet scale to zero. */
  minIdle: pulumi.Input<number>;
  /** The ceiling: serve never holds more runners (idle, busy, starting or offline); at most `maxRunners` when both are set. */
  max: pulumi.Input<number>;
  /** How long an idle runner above the floor waits for a job before serve retires it (default 300). */
  idleTimeoutSeconds?: pulumi.Input<number>;
  /** Windows (e.g. weekdays 08:00–18:00) during which serve keeps another minIdle; the first open one wins. */
  schedule?: pulumi.Input<ScheduleWindow[]>;
  /** How serve learns of waiting jobs: `webhook` (an inbound port), or `scale-set` (the outbound long poll; the default without a webhook secret). */
  demand?: pulumi.Input<"webhook" | "scale-set">;
  /** The fleet's runner scale set, for scale-set demand: its name (default: the fleet prefix) and runner group. */
  scaleSet?: pulumi.Input<{ name?: pulumi.Input<string>; runnerGroup?: pulumi.Input<string> }>;
}

/** `runners` given: the fleet's fixed size or, with `autoscale`, its floor. */
export interface FleetCountArgs {
  /**
   * Desired number of idle-or-busy runners. With autoscale, the floor: every `up` creates up to
   * it and deletes nothing above it (at most autoscale.max).
   */
  runners: pulumi.Input<number>;
  /** Size the fleet by demand between deployments (`runner-fleet serve`). */
  autoscale?: pulumi.Input<FleetAutoscaleArgs>;
}

/** `autoscale` given: `runners` may be left out, and the floor is then autoscale.minIdle. */
export interface FleetAutoscaledArgs {
  /** The floor every `up` guarantees (default: autoscale.minIdle); at most autoscale.max. */
  runners?: pulumi.Input<number>;
  /** Floor, ceiling and idle timeout that `runner-fleet serve` scales the fleet within. */
  autoscale: pulumi.Input<FleetAutoscaleArgs>;
}

/** Arguments of a `RunnerFleet`: `runners` is required unless `autoscale` is given. */
export type RunnerFleetArgs = (FleetCountArgs | FleetAutoscaledArgs) & FleetSharedArgs;

/** The arguments every fleet takes, whichever way it is sized. */
export interface FleetSharedArgs {
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
  /** Hard cap on the runners `up` creates; with autoscale, autoscale.max must not exceed it. */
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
