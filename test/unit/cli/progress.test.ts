import { describe, expect, it } from "vitest";
import { Progress } from "../../../src/cli/progress.js";

function capture(tty: boolean): { progress: Progress; text: () => string } {
  let out = "";
  const progress = new Progress({ stderr: { write: (t: string) => (out += t) }, stderrIsTTY: tty });
  return { progress, text: () => out };
}

describe("Progress", () => {
  it("prints plain start and end lines when stderr is not a terminal", () => {
    const { progress, text } = capture(false);
    progress.start("creating runners", 3);
    progress.tick();
    progress.stop("created 3 runners");
    expect(text()).toBe("creating runners…\ncreated 3 runners\n");
  });

  it("redraws one line with the count when stderr is a terminal", () => {
    const { progress, text } = capture(true);
    progress.start("creating runners", 2);
    progress.tick();
    progress.stop();
    expect(text()).toContain("creating runners 1/2");
    expect(text()).not.toContain("\n");
  });

  it("prints a log line without garbling the spinner on a terminal", () => {
    const { progress, text } = capture(true);
    progress.start("deleting");
    progress.print("warn: something");
    progress.stop();
    expect(text()).toMatch(/\r\x1b\[2Kwarn: something\n/);
  });
});
