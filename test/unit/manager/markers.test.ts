import { describe, expect, it } from "vitest";
import { parseConsoleMarkers } from "../../../src/manager/markers.js";

describe("parseConsoleMarkers", () => {
  it("reads the three markers behind a kernel timestamp prefix", () => {
    const output = [
      "[    2.100000] cloud-init[812]: starting",
      '[   12.345678] RUNNER_FLEET_MARKER installed {"timestamp":100}',
      'RUNNER_FLEET_MARKER pre-job {"timestamp":110,"workflow":"ci","repository":"acme/app","event":"push","workflow_run_id":"42"}',
      'RUNNER_FLEET_MARKER post-job {"timestamp":170,"status":"abnormal","status_info":{"code":3}}',
    ].join("\r\n");
    expect(parseConsoleMarkers(output)).toEqual({
      installed: { timestamp: 100 },
      preJob: { timestamp: 110, workflow: "ci", repository: "acme/app", event: "push", workflowRunId: "42" },
      postJob: { timestamp: 170, status: "abnormal", statusInfo: { code: 3 } },
    });
  });

  it("keeps the last valid marker of a kind", () => {
    const output = 'RUNNER_FLEET_MARKER installed {"timestamp":1}\nRUNNER_FLEET_MARKER installed {"timestamp":2}';
    expect(parseConsoleMarkers(output).installed).toEqual({ timestamp: 2 });
  });

  it.each([
    ["broken JSON", "RUNNER_FLEET_MARKER installed {timestamp:1}"],
    ["a missing timestamp", 'RUNNER_FLEET_MARKER installed {"at":1}'],
    ["a negative timestamp", 'RUNNER_FLEET_MARKER installed {"timestamp":-5}'],
    ["a string timestamp", 'RUNNER_FLEET_MARKER installed {"timestamp":"1"}'],
    ["an unknown kind", 'RUNNER_FLEET_MARKER exploded {"timestamp":1}'],
    ["a JSON array", "RUNNER_FLEET_MARKER installed [1]"],
  ])("ignores a line with %s", (_name, line) => {
    expect(parseConsoleMarkers(line)).toEqual({});
  });

  it("returns nothing for a console without markers", () => {
    expect(parseConsoleMarkers("login: ")).toEqual({});
  });
});
