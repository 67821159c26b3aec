import { describe, expect, it } from "vitest";
import { formatAge, printJson, renderTable } from "../../../src/cli/output.js";

describe("renderTable", () => {
  it("aligns columns under upper-case headers two spaces apart", () => {
    const text = renderTable(["name", "state"], [["a", "idle"], ["longer-name", "busy"]]);
    expect(text).toBe(["NAME         STATE", "a            idle", "longer-name  busy"].join("\n"));
  });

  it("right-aligns a numeric column when asked", () => {
    const text = renderTable(["name", { header: "age", align: "right" }], [["a", "5s"], ["b", "12m"]]);
    expect(text.split("\n")).toEqual(["NAME  AGE", "a      5s", "b     12m"]);
  });

  it("pads short rows so a missing cell never shifts the columns", () => {
    const text = renderTable(["a", "b", "c"], [["1"], ["1", "2", "3"]]);
    expect(text.split("\n")).toEqual(["A  B  C", "1", "1  2  3"]);
  });

  it("counts a multi-byte character as one cell", () => {
    const text = renderTable(["x", "y"], [["≥1", "z"]]);
    expect(text.split("\n")).toEqual(["X   Y", "≥1  z"]);
  });

  it("renders only the headers when there are no rows", () => {
    expect(renderTable(["name"], [])).toBe("NAME");
  });
});

describe("formatAge", () => {
  const now = new Date("2025-01-01T12:00:00Z");
  it.each([
    [5, "5s"],
    [180, "3m"],
    [7200, "2h"],
    [3 * 86_400, "3d"],
    [-10, "0s"],
  ])("shows %d seconds as %s", (seconds, text) => {
    expect(formatAge(new Date(now.getTime() - seconds * 1000), now)).toBe(text);
  });
});

describe("printJson", () => {
  it("prints errors as their message, never their stack", () => {
    let out = "";
    printJson({ write: (t: string) => (out += t) }, { failures: [{ error: new Error("quota exceeded") }] });
    expect(JSON.parse(out)).toEqual({ failures: [{ error: "quota exceeded" }] });
  });
});
