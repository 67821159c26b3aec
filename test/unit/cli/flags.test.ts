import type { ArgsDef } from "citty";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/errors.js";
import { checkFlags } from "../../../src/cli/flags.js";

const ARGS: ArgsDef = {
  config: { type: "string", alias: "c" },
  json: { type: "boolean" },
  count: { type: "string" },
  "boot-delay-ms": { type: "string" },
  mode: { type: "enum", options: ["idle", "busy"] },
};

describe("checkFlags", () => {
  it.each([
    ["long flags with values", ["--config", "f.yaml", "--count", "3"]],
    ["inline values", ["--config=f.yaml", "--count=3"]],
    ["a short alias", ["-c", "f.yaml"]],
    ["a negated boolean", ["--no-json"]],
    ["a camel-case spelling of a kebab flag", ["--bootDelayMs", "5"]],
    ["a value that looks like a flag", ["--count", "-1"]],
    ["--help", ["--help"]],
    ["anything after --", ["--", "--whatever", "x"]],
  ])("accepts %s", (_name, argv) => {
    expect(() => checkFlags(argv, ARGS, "test")).not.toThrow();
  });

  it("rejects an unknown flag and suggests the closest known one", () => {
    expect(() => checkFlags(["--cout", "3"], ARGS, "delete")).toThrow(/--cout: unknown option for 'delete'; did you mean --count\?/);
  });

  it("rejects a stray argument", () => {
    expect(() => checkFlags(["status"], ARGS, "status")).toThrow(/unexpected argument 'status'/);
  });

  it("refuses to negate a flag that is not a boolean", () => {
    expect(() => checkFlags(["--no-count"], ARGS, "x")).toThrow(UsageError);
  });

  it("reports every unknown flag at once", () => {
    try {
      checkFlags(["--a", "--b=1", "--json"], ARGS, "x");
      expect.unreachable();
    } catch (error) {
      expect((error as UsageError).problems.map((p) => p.path)).toEqual(["--a", "--b"]);
    }
  });
});
