/**
 * Errors of the Actions service (the scale set API), translated at the boundary: the service
 * answers `{typeName, message}` with `ActivityId`/`X-GitHub-Request-Id` headers, or plain text
 * (reference §1.2.7, scaleset errors.go). Messages are redacted; no token or JIT config survives.
 */
import { GitHubApiError } from "../manager/errors.js";
import { redactSecrets } from "./errors.js";

/** Stable codes of `ActionsServiceError`. */
export type ActionsErrorCode =
  /** Any other failure, including network errors and timeouts (status 0). */
  | "actions_api"
  /** `AgentExistsException`: a runner of that name is already registered. */
  | "actions_runner_exists"
  /** `AgentNotFoundException`: no runner of that id. */
  | "actions_runner_not_found"
  /** `JobStillRunningException`: the runner is busy and cannot be removed. */
  | "actions_job_still_running"
  /** The service answered 2xx with a body we cannot read. */
  | "actions_unexpected_response";

// The Go client's mapping of exception names (reference §1.2.7).
const TYPE_CODES: Record<string, ActionsErrorCode> = {
  AgentExistsException: "actions_runner_exists",
  AgentNotFoundException: "actions_runner_not_found",
  JobStillRunningException: "actions_job_still_running",
};

/** A failed Actions service call; `typeName` is the service's exception name when it sent one. */
export class ActionsServiceError extends GitHubApiError {
  readonly typeName: string | undefined;
  readonly activityId: string | undefined;
  constructor(
    override readonly code: ActionsErrorCode,
    message: string,
    status: number,
    options: { typeName?: string; activityId?: string; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, status, { code, ...(options.requestId ? { requestId: options.requestId } : {}), cause: options.cause });
    this.typeName = options.typeName;
    this.activityId = options.activityId;
  }
}

/** The typed error for a non-2xx answer; `action` is a verb phrase ("creating the session"). */
export function actionsErrorFrom(status: number, text: string, headers: Headers, action: string): ActionsServiceError {
  const { typeName, message } = readErrorBody(text, headers.get("content-type") ?? "");
  const detail = redactSecrets(message).slice(0, 300);
  const activityId = headers.get("activityid") ?? undefined;
  const requestId = headers.get("x-github-request-id") ?? undefined;
  const code = (typeName && TYPE_CODES[typeName]) || "actions_api";
  const name = typeName ? `${typeName}: ` : "";
  const ids = [requestId && `request id ${requestId}`, activityId && `activity id ${activityId}`].filter(Boolean).join(", ");
  return new ActionsServiceError(code, `the Actions service answered ${status} while ${action}: ${name}${detail}${ids ? ` (${ids})` : ""}`, status, {
    ...(typeName ? { typeName } : {}),
    ...(activityId ? { activityId } : {}),
    ...(requestId ? { requestId } : {}),
  });
}

/** The typed error for a call that got no answer (refused, reset, timed out). */
export function actionsNetworkError(error: unknown, action: string): ActionsServiceError {
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return new ActionsServiceError("actions_api", `could not reach the Actions service while ${action}: ${message}`, 0);
}

/** The typed error for a 2xx answer whose body does not have the expected shape. */
export function unexpectedResponse(what: string, why: string): ActionsServiceError {
  return new ActionsServiceError("actions_unexpected_response", `the Actions service answered with an unexpected ${what} (${why})`, 0);
}

/** Whether an error is the Actions service's exception of that code. */
export function isActionsError(error: unknown, code: ActionsErrorCode): error is ActionsServiceError {
  return error instanceof ActionsServiceError && error.code === code;
}

// --- internal ---

function readErrorBody(text: string, contentType: string): { typeName?: string; message: string } {
  // A text/plain body is passed through as it is (scaleset errors.go).
  if (contentType.includes("text/plain")) return { message: text.trim() || "(no body)" };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) {
      const { typeName, message } = parsed as { typeName?: unknown; message?: unknown };
      return { ...(typeof typeName === "string" && typeName ? { typeName } : {}), message: typeof message === "string" ? message : "(no message)" };
    }
  } catch {
    // Not JSON after all: keep the text.
  }
  return { message: text.trim() || "(no body)" };
}
