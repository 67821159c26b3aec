import { describe, expect, it } from "vitest";
import { servesLabels } from "../../../src/demand/labels.js";

describe("servesLabels", () => {
  it.each([
    ["a job asking only for self-hosted", [], ["self-hosted"], true],
    ["self-hosted and linux, which every fleet runner has", [], ["self-hosted", "linux"], true],
    ["GitHub's own casing of the default labels", [], ["Self-Hosted", "Linux"], true],
    ["a custom label the fleet has, in another case", ["gpu"], ["self-hosted", "GPU"], true],
    ["a subset of the fleet's labels", ["gpu", "large", "x64"], ["large"], true],
    ["an architecture the fleet does not declare", [], ["self-hosted", "linux", "x64"], false],
    ["an architecture the fleet declares", ["x64"], ["self-hosted", "linux", "X64"], true],
    ["ARM when the fleet is ARM64 (different labels)", ["arm64"], ["self-hosted", "ARM"], false],
    ["one label the fleet lacks among several it has", ["gpu"], ["self-hosted", "gpu", "windows"], false],
    ["a GitHub-hosted runner label", ["gpu"], ["ubuntu-latest"], false],
    ["no labels at all (runs-on names only a group)", ["gpu"], [], false],
    ["labels with stray whitespace", ["gpu"], [" gpu "], true],
  ])("decides %s", (_name, fleetLabels, jobLabels, served) => {
    expect(servesLabels(fleetLabels, jobLabels)).toBe(served);
  });
});
