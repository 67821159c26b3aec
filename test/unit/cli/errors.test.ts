import { describe, expect, it } from "vitest";
import { ExitCode, exitCodeOf, formatError, UsageError } from "../../../src/cli/errors.js";
import {
  CloudAuthError,
  CloudError,
  ConfigError,
  FleetError,
  GitHubApiError,
  GitHubAuthError,
  NotFoundError,
  QuotaError,
  RateLimitError,
} from "../../../src/manager/errors.js";

class CLIError extends Error {
  override name = "CLIError";
}

describe("exitCodeOf", () => {
  it.each([
    ["a ConfigError", new ConfigError([{ path: "runners", message: "must be ≥ 0" }]), ExitCode.BadInput],
    ["a UsageError", new UsageError([{ path: "--cout", message: "unknown option" }]), ExitCode.BadInput],
    ["citty's CLIError", new CLIError("Missing required argument: --count"), ExitCode.BadInput],
    ["a flavor that does not exist", new NotFoundError("flavor", "m1.huge", "flavor 'm1.huge' not found"), ExitCode.BadInput],
    ["a GitHubAuthError", new GitHubAuthError("bad credentials", 401), ExitCode.Auth],
    ["a CloudAuthError", new CloudAuthError("keystone said no", 401), ExitCode.Auth],
    ["a GitHubApiError", new GitHubApiError("server error", 502), ExitCode.Api],
    ["a RateLimitError", new RateLimitError("rate limited", 403, 60), ExitCode.Api],
    ["a CloudError", new CloudError("nova timed out", 0), ExitCode.Api],
    ["a QuotaError", new QuotaError("quota exceeded", 403), ExitCode.Api],
    ["a timeout while waiting", new FleetError("timeout", "timed out"), ExitCode.Failed],
    ["an unexpected error", new TypeError("x is undefined"), ExitCode.Failed],
    ["a thrown string", "boom", ExitCode.Failed],
  ])("maps %s to its exit code", (_name, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});

describe("formatError", () => {
  it("prints one line for a one-problem ConfigError", () => {
    expect(formatError(new ConfigError([{ path: "runners", message: "must be ≥ 0" }]))).toEqual(["error: runners: must be ≥ 0"]);
  });

  it("lists every problem under the message when there are several", () => {
    const error = new ConfigError(
      [
        { path: "runners", message: "must be ≥ 0" },
        { path: "", message: "unknown field 'x'" },
      ],
      "invalid fleet file fleet.yaml",
    );
    expect(formatError(error)).toEqual(["error: invalid fleet file fleet.yaml", "  - runners: must be ≥ 0", "  - unknown field 'x'"]);
  });

  it("gives a summary header when several problems have no message of their own", () => {
    const error = new ConfigError([
      { path: "a", message: "x" },
      { path: "b", message: "y" },
    ]);
    expect(formatError(error)[0]).toBe("error: invalid configuration (2 problems)");
  });

  it("prints no stack trace for an expected error", () => {
    expect(formatError(new GitHubAuthError("GitHub rejected the token", 401))).toEqual(["error: GitHub rejected the token"]);
  });

  it("prints the stack and causes of an expected error with verbose", () => {
    const error = new GitHubApiError("listing runners failed", 502, { cause: new Error("bad gateway") });
    const lines = formatError(error, true);
    expect(lines[0]).toBe("error: listing runners failed");
    expect(lines.some((l) => l.trim().startsWith("at "))).toBe(true);
    expect(lines).toContain("caused by: bad gateway");
  });

  it("prints the stack of an unexpected error even without verbose", () => {
    const lines = formatError(new TypeError("cannot read properties of undefined"));
    expect(lines[0]).toBe("unexpected error: cannot read properties of undefined");
    expect(lines.some((l) => l.trim().startsWith("at "))).toBe(true);
  });

  it("redacts a token that found its way into a message", () => {
    const lines = formatError(new GitHubAuthError("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 was rejected", 401));
    expect(lines).toEqual(["error: token [redacted] was rejected"]);
  });
});
