import { describe, expect, it } from "vitest";
import { createHumanLogger, formatLogLine, redactText } from "../../../src/cli/logger.js";

describe("createHumanLogger", () => {
  it("prints warnings and errors but not info or debug when not verbose", () => {
    const lines: string[] = [];
    const logger = createHumanLogger({ print: (l) => lines.push(l) });
    logger.debug("d");
    logger.info("i");
    logger.warn("w", { runner: "ci-0123456789ab" });
    logger.error("e");
    expect(lines).toEqual(["warn: w runner=ci-0123456789ab", "error: e"]);
  });

  it("prints every level when verbose", () => {
    const lines: string[] = [];
    const logger = createHumanLogger({ print: (l) => lines.push(l), verbose: true });
    logger.debug("d");
    logger.info("i");
    expect(lines).toEqual(["debug: d", "info: i"]);
  });
});

describe("formatLogLine", () => {
  it.each([
    ["a token field", { token: "abc" }, "token=[redacted]"],
    ["a jitConfig field", { jitConfig: "eyJhbGciOi" }, "jitConfig=[redacted]"],
    ["a password field", { password: "hunter2" }, "password=[redacted]"],
    ["a token inside an error message", { error: "auth ghp_abcdefghijklmnop1234 failed" }, 'error="auth [redacted] failed"'],
  ])("never prints %s", (_name, fields, expected) => {
    expect(formatLogLine("warn", "m", fields)).toBe(`warn: m ${expected}`);
  });

  it("quotes values with spaces and prints objects as JSON", () => {
    expect(formatLogLine("info", "m", { error: "two words", ids: [1, 2] })).toBe('info: m error="two words" ids=[1,2]');
  });
});

describe("redactText", () => {
  it.each([
    ["a classic PAT", "ghp_0123456789abcdefghij"],
    ["a fine-grained PAT", "github_pat_11ABCDEFG0123456789_abcdef"],
    ["an installation token", "ghs_0123456789abcdefghij"],
    ["a JWT", "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjEyM30.c2lnbmF0dXJl"],
    ["a PEM key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"],
  ])("redacts %s", (_name, secret) => {
    expect(redactText(`before ${secret} after`)).toBe("before [redacted] after");
  });
});
