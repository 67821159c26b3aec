import { describe, expect, it } from "vitest";
import { instanceIdOf, isFleetMember, isValidPrefix, MAX_NAME_LENGTH, newInstanceName } from "../../../src/manager/naming.js";

describe("instance names", () => {
  it("are the prefix, a dash and 12 lowercase hex characters", () => {
    const name = newInstanceName("ci");
    expect(name).toMatch(/^ci-[0-9a-f]{12}$/);
    expect(instanceIdOf("ci", name)).toBe(name.slice(3));
  });

  it("fit Nova's and GitHub's 64-character limit for the longest valid prefix", () => {
    expect(newInstanceName("a".repeat(51)).length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  });

  it.each([
    ["its own runner", "app-1", "app-1-0123456789ab", true],
    ["a longer fleet's runner", "app-1", "app-10-0123456789ab", false],
    ["a runner with an infix", "app-1", "app-1-x-0123456789ab", false],
    ["uppercase hex", "app-1", "app-1-0123456789AB", false],
    ["a short suffix", "app-1", "app-1-0123456789a", false],
    ["a long suffix", "app-1", "app-1-0123456789abc", false],
    ["a bare prefix", "app-1", "app-1", false],
  ])("decides membership strictly for %s", (_name, prefix, name, member) => {
    expect(isFleetMember(prefix, name)).toBe(member);
  });

  it.each([
    ["ci", true],
    ["app-1", true],
    ["a".repeat(51), true],
    ["a".repeat(52), false],
    ["-ci", false],
    ["ci-", false],
    ["CI", false],
    ["c_i", false],
    ["", false],
  ])("accepts %j as a prefix: %s", (prefix, valid) => {
    expect(isValidPrefix(prefix)).toBe(valid);
  });
});
