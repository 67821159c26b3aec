/** Exit codes and the one place errors become text for people. */
import {
  ApiError,
  CloudAuthError,
  ConfigError,
  FleetError,
  GitHubAuthError,
  NotFoundError,
  type Problem,
} from "../manager/errors.js";
import { redactText } from "./logger.js";
import { stripAnsi } from "./output.js";

/** The CLI's exit codes; scripts may rely on them. */
export const ExitCode = {
  /** Everything asked for was done. */
  Ok: 0,
  /** An operation failed or partly failed (some runners could not be created or deleted). */
  Failed: 1,
  /** Bad input: fleet file, flags, or a named image/flavor/network that does not exist. */
  BadInput: 2,
  /** GitHub or OpenStack rejected the credentials. */
  Auth: 3,
  /** Any other API failure (5xx, timeouts, rate limits, quota). */
  Api: 4,
} as const;

/** One of the CLI's exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad flags or arguments on the command line (exit code 2, with a pointer to `--help`). */
export class UsageError extends ConfigError {
  constructor(problems: Problem[], message?: string) {
    super(problems, message);
  }
}

/** Whether `--help` would have helped: a bad flag, a missing argument, an unknown command. */
export function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || isCittyError(error);
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof ConfigError || error instanceof NotFoundError || isCittyError(error)) return ExitCode.BadInput;
  if (error instanceof GitHubAuthError || error instanceof CloudAuthError) return ExitCode.Auth;
  if (error instanceof ApiError) return ExitCode.Api;
  return ExitCode.Failed;
}

/** Whether the error is expected (ours or a usage error): printed without a stack trace. */
export function isExpected(error: unknown): boolean {
  return error instanceof FleetError || isCittyError(error);
}

/**
 * The lines to print for an error: its message and each problem as `  - path: message`; the
 * stack only for unexpected errors or with `verbose`. Credential-shaped text is redacted.
 */
export function formatError(error: unknown, verbose = false): string[] {
  const lines = isExpected(error) ? expectedLines(error) : [`unexpected error: ${describe(error)}`];
  if ((verbose || !isExpected(error)) && error instanceof Error) lines.push(...stackLines(error));
  return lines.map((line) => redactText(stripAnsi(line)));
}

// --- internal ---

// citty's CLIError is not exported; it is recognised by name (unknown command, missing argument).
function isCittyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "CLIError";
}

function expectedLines(error: unknown): string[] {
  if (!(error instanceof ConfigError) || error.problems.length === 0) return [`error: ${describe(error)}`];
  const single = error.problems.length === 1 && error.message === ConfigError.summarize(error.problems);
  if (single) return [`error: ${error.message}`];
  const header = error.message === ConfigError.summarize(error.problems) ? `invalid configuration (${error.problems.length} problems)` : error.message;
  return [`error: ${header}`, ...error.problems.map((p) => `  - ${p.path ? `${p.path}: ` : ""}${p.message}`)];
}

function stackLines(error: Error): string[] {
  const lines = (error.stack ?? "").split("\n").slice(1).map((l) => l.trimEnd());
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`caused by: ${describe(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return lines;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
