/**
 * Typed errors with stable codes. Adapters translate vendor errors into these at their boundary,
 * so nothing above them ever sees an Octokit or fetch error.
 */

/** One problem with an input: where it is and what to do about it. */
export interface Problem {
  path: string;
  message: string;
}

/** Base of every error runner-fleet raises on purpose. */
export class FleetError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration or arguments; holds every problem found, not only the first. */
export class ConfigError extends FleetError {
  constructor(
    readonly problems: Problem[],
    message = ConfigError.summarize(problems),
  ) {
    super("config_invalid", message);
  }

  static summarize(problems: Problem[]): string {
    return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ");
  }
}

/** A failed call to a remote API; `status` is 0 for network errors and timeouts. */
export class ApiError extends FleetError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown; requestId?: string },
  ) {
    super(code, message, options);
    this.requestId = options?.requestId;
  }
  readonly requestId: string | undefined;
}

/** GitHub answered with an error (or could not be reached). */
export class GitHubApiError extends ApiError {
  constructor(message: string, status: number, options?: { cause?: unknown; requestId?: string; code?: string }) {
    super(options?.code ?? "github_api", message, status, options);
  }
}

/** GitHub rejected the credentials (401) or their permissions (403). */
export class GitHubAuthError extends GitHubApiError {
  constructor(message: string, status: number, options?: { cause?: unknown; requestId?: string }) {
    super(message, status, { ...options, code: "github_auth" });
  }
}

/** A primary or secondary rate limit that outlasted the retries. */
export class RateLimitError extends GitHubApiError {
  constructor(
    message: string,
    status: number,
    readonly retryAfterSeconds: number | undefined,
    options?: { cause?: unknown; requestId?: string },
  ) {
    super(message, status, { ...options, code: "github_rate_limited" });
  }
}

/** The cloud answered with an error (or could not be reached). */
export class CloudError extends ApiError {
  constructor(message: string, status: number, options?: { cause?: unknown; requestId?: string; code?: string }) {
    super(options?.code ?? "cloud_api", message, status, options);
  }
}

/** Keystone rejected the credentials. */
export class CloudAuthError extends CloudError {
  constructor(message: string, status: number, options?: { cause?: unknown; requestId?: string }) {
    super(message, status, { ...options, code: "cloud_auth" });
  }
}

/** The cloud refused for lack of quota (instances, cores, RAM). */
export class QuotaError extends CloudError {
  constructor(message: string, status: number, options?: { cause?: unknown; requestId?: string }) {
    super(message, status, { ...options, code: "cloud_quota" });
  }
}

/** A named thing (image, flavor, network, server, runner) does not exist. */
export class NotFoundError extends FleetError {
  constructor(
    readonly kind: string,
    readonly ref: string,
    message: string,
  ) {
    super("not_found", message);
  }
}

/** Turns any thrown value into a one-line message safe to log (no stack, no secrets added). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
