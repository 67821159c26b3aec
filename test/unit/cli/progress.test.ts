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
    progress.update(1);
    progress.stop("created 3 runners");
    expect(text()).toBe("creating runners…\ncreated 3 runners\n");
  });

  it("redraws one line with the count when stderr is a terminal", () => {
    const { progress, text } = capture(true);
    progress.start("creating runners", 2);
    progress.update(1);
    progress.stop();
    expect(text()).toContain("creating runners 1/2");
    expect(text()).not.toContain("\n");
  });

  it("counts under a new label and total once a step learns them, as a reconcile does", () => {
    const { progress, text } = capture(true);
    progress.start("reconciling to 5 runners");
    const onProgress = progress.counter("reconciling to 5 runners: creating");
    onProgress(1, 3);
    onProgress(2, 3);
    progress.stop();
    expect(text()).toContain("reconciling to 5 runners: creating 2/3");
  });

  it("prints a log line without garbling the spinner on a terminal", () => {
    const { progress, text } = capture(true);
    progress.start("deleting");
    progress.print("warn: something");
    progress.stop();
    expect(text()).toMatch(/\r\x1b\[2Kwarn: something\n/);
  });
});
