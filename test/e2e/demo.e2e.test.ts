/**
 * The README's main command, end to end: `./dev demo` builds what it needs (dist/, the engine,
 * pulumi/demo's link to this checkout), runs the Pulumi story on its own sandbox and must exit 0,
 * leaving no VM, no GitHub runner, no stack config file and no secret in its output.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine, repoRoot } from "../support/pulumi-engine.js";

/** The demo must finish by itself: about 1.5 minutes warm; this bound only stops a hung run. */
const DEMO_TIMEOUT_MS = 8 * 60_000;
const STACK = `e2e-demo-${process.pid}`;

beforeAll(async () => {
  // The demo would build the engine itself (with progress); building it here keeps that out of the test's own timeout.
  await ensurePulumiEngine();
}, ENGINE_BUILD_TIMEOUT_MS);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runDev(args: string[], timeoutMs: number): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [join(repoRoot, "dev"), ...args], { cwd: repoRoot, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\n[test: killed after ${timeoutMs} ms]`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - start });
    });
  });
}

describe("./dev demo (the README's main command)", () => {
  it(
    "previews and ups a fleet of 3, runs jobs, scales to 5, flushes idle as a stack action, destroys, and leaves nothing behind",
    async () => {
      const run = await runDev(["demo", "--stack", STACK], DEMO_TIMEOUT_MS);
      const output = `${run.stdout}\n--- stderr ---\n${run.stderr}`;

      expect(run.code, output).toBe(0);
      for (let step = 1; step <= 9; step++) expect(run.stdout).toContain(`[${step}/9]`);
      expect(run.stdout).toMatch(/pulumi up \([\d.ms]+\): 5 created/);
      expect(run.stdout).toContain("3 runners: 3 idle, 0 busy");
      expect(run.stdout).toMatch(/3 runners: 1 idle, 2 busy/);
      expect(run.stdout).toContain("5 runners: 5 idle, 0 busy");
      expect(run.stdout).toContain("ci: flush (idle) deleted 5 VMs, deregistered 5 runners, kept 0 busy, replenished 5");
      expect(run.stdout).toContain(`runner-fleet flush --mode idle --stack ${STACK}`);
      expect(run.stdout).toMatch(/pulumi destroy \([\d.ms]+\): 5 deleted/);
      expect(run.stdout).toContain("left behind in the sandbox: 0 VMs, 0 GitHub runners");
      expect(run.stdout).toMatch(/demo finished in /);
      // The sandbox's token and OpenStack password are secrets to the demo too.
      expect(output).not.toMatch(/ghp_[A-Za-z0-9]{20,}/);
      expect(output).not.toContain("sandbox-password");
      // `stack rm` took the stack's config file with it.
      expect(existsSync(join(repoRoot, `Pulumi.${STACK}.yaml`))).toBe(false);
      process.stderr.write(`[demo e2e] ./dev demo took ${(run.ms / 1000).toFixed(1)}s\n`);
    },
    DEMO_TIMEOUT_MS + 60_000,
  );
});
