import { describe, expect, it } from "vitest";
import { renderUserData, shellQuote } from "../../../src/manager/user-data.js";

describe("renderUserData", () => {
  it("starts the runner with its JIT config as an unprivileged user and powers off afterwards", () => {
    const script = renderUserData("ZXhhbXBsZQ==");
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toMatch(/su 'runner' -s \/bin\/sh -c "cd '\/opt\/actions-runner' && \.\/run\.sh --jitconfig 'ZXhhbXBsZQ=='"/);
    expect(script.indexOf("marker installed")).toBeLessThan(script.indexOf("run.sh --jitconfig"));
    expect(script.trimEnd().endsWith("poweroff")).toBe(true);
  });

  it("writes the JIT config where the sandbox's documented pattern finds it", () => {
    const match = /--jitconfig[ =]'?([A-Za-z0-9+/=_.-]+)/.exec(renderUserData("abc+/=_.-def"));
    expect(match?.[1]).toBe("abc+/=_.-def");
  });

  it("downloads the runner from the configured mirror only when the image has none", () => {
    const script = renderUserData("x", { runnerDownloadUrl: "https://mirror.example/actions-runner.tar.gz", runnerDir: "/srv/runner" });
    expect(script).toContain("if [ ! -x '/srv/runner'/run.sh ]; then");
    expect(script).toContain("curl -fsSL --retry 5 'https://mirror.example/actions-runner.tar.gz'");
  });

  it("hands proxy settings and the pre-job script to the runner", () => {
    const script = renderUserData("x", { proxy: { http: "http://proxy:3128", noProxy: "10.0.0.0/8" }, preJobScript: "echo pre" });
    expect(script).toContain("'http_proxy=http://proxy:3128'");
    expect(script).toContain("'NO_PROXY=10.0.0.0/8'");
    expect(script).toContain("echo pre\nPREJOB");
  });
});

describe("shellQuote", () => {
  it("quotes single quotes so the shell reads the value back unchanged", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
