import { describe, expect, it } from "vitest";
import { createServeLogger, formatLogRecord } from "../../../src/serve/log.js";

const NOW = new Date("2026-12-03T08:00:00.123Z");

function capture(options: Parameters<typeof createServeLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createServeLogger({ now: () => NOW, stream: { write: (line: string) => lines.push(line) }, ...options });
  return { logger, lines };
}

describe("createServeLogger", () => {
  it("writes one JSON object per line with time, level, message and the fields", () => {
    const { logger, lines } = capture({ format: "json" });
    logger.info("reconcile done", { created: 2, names: ["ci-1"], nested: { ok: true } });
    expect(lines).toStrictEqual(['{"time":"2026-12-03T08:00:00.123Z","level":"info","msg":"reconcile done","created":2,"names":["ci-1"],"nested":{"ok":true}}\n']);
  });

  it("writes text lines as time, level, message and key=value pairs, quoting values with spaces", () => {
    const { logger, lines } = capture();
    logger.warn("create failed", { name: "ci-1", error: new Error("quota exceeded"), count: 3, empty: "" });
    expect(lines).toStrictEqual(['2026-12-03T08:00:00Z warn create failed name=ci-1 error="quota exceeded" count=3 empty=""\n']);
  });

  it("keeps a message with a newline on one line", () => {
    const { logger, lines } = capture();
    logger.error("first\nsecond");
    expect(lines).toStrictEqual(["2026-12-03T08:00:00Z error first\\nsecond\n"]);
  });

  it.each([
    { name: "info (default)", level: undefined, printed: ["info", "warn", "error"] },
    { name: "debug", level: "debug" as const, printed: ["debug", "info", "warn", "error"] },
    { name: "warn", level: "warn" as const, printed: ["warn", "error"] },
    { name: "error", level: "error" as const, printed: ["error"] },
  ])("prints only messages at or above its level: $name", ({ level, printed }) => {
    const { logger, lines } = capture({ format: "json", ...(level ? { level } : {}) });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toStrictEqual(printed);
  });

  it("redacts fields named like credentials, at any depth and in either format", () => {
    const fields = {
      token: "t-1", webhookSecret: "s-1", password: "p-1", privateKey: "-----BEGIN", jitConfig: "eyJ", authorization: "Bearer x",
      runner: { name: "ci-1", jit_config: "abc", headers: [{ "x-api-key": "k" }] },
    };
    const json = JSON.parse(formatLogRecord("json", NOW, "info", "m", fields)) as Record<string, unknown>;
    expect(json).toStrictEqual({
      time: NOW.toISOString(), level: "info", msg: "m",
      token: "[redacted]", webhookSecret: "[redacted]", password: "[redacted]", privateKey: "[redacted]", jitConfig: "[redacted]", authorization: "[redacted]",
      runner: { name: "ci-1", jit_config: "[redacted]", headers: [{ "x-api-key": "[redacted]" }] },
    });
    const text = formatLogRecord("text", NOW, "info", "m", fields);
    for (const secret of ["t-1", "s-1", "p-1", "BEGIN", "eyJ", "Bearer", "abc"]) expect(text).not.toContain(secret);
  });

  it("redacts credential-shaped text in messages and values whatever their key", () => {
    const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    const line = formatLogRecord("json", NOW, "warn", `GitHub refused ${token}`, { detail: `header was token ${token}` });
    expect(line).not.toContain(token);
    expect(JSON.parse(line)).toMatchObject({ msg: "GitHub refused [redacted]", detail: "header was token [redacted]" });
  });

  it("never throws on fields JSON cannot hold, nor when the stream fails", () => {
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const { logger, lines } = capture({ format: "json" });
    logger.info("odd fields", { circular, big: 10n, when: NOW, time: "field named time" });
    expect(JSON.parse(lines[0] ?? "")).toStrictEqual({
      time: NOW.toISOString(), level: "info", msg: "odd fields",
      circular: { name: "loop", self: "[circular]" }, big: "10", when: NOW.toISOString(), "field.time": "field named time",
    });
    const broken = createServeLogger({ stream: { write: () => { throw new Error("EPIPE"); } } });
    expect(() => broken.error("still fine")).not.toThrow();
  });
});
