/**
 * Where the simulated OpenStack and the simulated GitHub meet. The sandbox shares no code with
 * the adapters; its two sides share only these hooks (a VM boots and starts its runner; a runner
 * exits and its VM powers off) and one clock.
 */

/** Hooks the OpenStack side calls on the GitHub side. */
export interface GitHubSideHooks {
  /**
   * A VM finished booting and its cloud-init ran `run.sh --jitconfig <jitConfig>`. Returns false
   * when GitHub does not know the JIT config (deleted runner, garbage): the runner exits at once.
   */
  runnerStarted(vmId: string, jitConfig: string): boolean;
  /** A VM was deleted, powered off or went to ERROR: its runner process is gone. */
  vmGone(vmId: string): void;
}

/** Hooks the GitHub side calls on the OpenStack side. */
export interface CloudSideHooks {
  /** The runner process on the VM exited (ephemeral job done, or deregistered): cloud-init powers it off. */
  runnerExited(vmId: string, exitCode: number): void;
  /** A line written to the VM's serial console (the job-started hook writes `pre-job` markers). */
  writeConsole(vmId: string, line: string): void;
}

/** Which simulated service a fault or a logged request belongs to. */
export type SandboxService = "github" | "identity" | "compute" | "image" | "network";

/** A fault to inject into matching requests. */
export interface FaultSpec {
  service: SandboxService;
  /** HTTP method to match (default: any). */
  method?: string;
  /** Regular expression (source) matched against the request path (default: any). */
  path?: string;
  /** How many matching requests it affects (default 1, or Infinity when `rate` is set; Infinity until cleared). */
  count?: number;
  /**
   * Probability (0–1) that a matching request is affected, for soak tests ("5% of calls fail");
   * a request spared by the draw goes on to the next armed fault. Default: every matching request.
   */
  rate?: number;
  /** Seed of this fault's draws (default 1): the same requests fail on every run. */
  seed?: number;
  kind: "status" | "latency" | "timeout" | "rate-limit-primary" | "rate-limit-secondary";
  /** For `status`: the status to answer (default 500). */
  status?: number;
  /** For `latency`: extra delay before answering. */
  latencyMs?: number;
  /** For the rate limits: the `retry-after` / reset delay to announce (default 1). */
  retryAfterSeconds?: number;
}

/** One request as a simulated service saw it (for assertions and API-call counts). */
export interface LoggedRequest {
  service: SandboxService;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The route template, e.g. `/repos/{owner}/{repo}/actions/runners/{runner_id}`. */
  route: string;
  status: number;
  /** Parsed JSON response body, recorded only for the GitHub side (for OpenAPI validation). */
  responseBody?: unknown;
}
