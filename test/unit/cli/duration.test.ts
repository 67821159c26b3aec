import { describe, expect, it } from "vitest";
import { formatDuration, parseCount, parseDuration } from "../../../src/cli/duration.js";
import { ConfigError } from "../../../src/manager/errors.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["1m30s", 90_000],
    ["1.5s", 1500],
    [" 10S ", 10_000],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text, "--every")).toBe(ms);
  });

  it.each([
    ["a bare number (seconds or minutes?)", "5"],
    ["an unknown unit", "5d"],
    ["trailing garbage", "5mx"],
    ["a negative duration", "-5s"],
    ["nothing", ""],
    ["zero", "0s"],
  ])("rejects %s", (_name, text) => {
    expect(() => parseDuration(text, "--every")).toThrow(ConfigError);
  });

  it("names the flag in the problem when the duration is bad", () => {
    expect(() => parseDuration("soon", "--every")).toThrow(/--every: 'soon' is not a duration/);
  });
});

describe("parseCount", () => {
  it.each([
    ["0", 0, 0],
    ["3", 0, 3],
    ["12", 1, 12],
  ])("reads %s (min %d) as %d", (text, min, value) => {
    expect(parseCount(text, "--count", min)).toBe(value);
  });

  it.each([
    ["a word", "three", 0],
    ["a fraction", "1.5", 0],
    ["a negative number", "-1", 0],
    ["a count below the minimum", "0", 1],
    ["an empty value", "", 0],
    ["no value", undefined, 0],
  ])("rejects %s", (_name, text, min) => {
    expect(() => parseCount(text, "--count", min)).toThrow(/--count: must be a whole number/);
  });
});

describe("formatDuration", () => {
  it.each([
    [850, "850ms"],
    [4200, "4.2s"],
    [185_000, "3m05s"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
