/**
 * scripts/bin/dynamic-provider.cjs, the provider process of the project's launcher. It defers
 * TypeScript and the Automation API: run in a child node (module loading is process-wide), the
 * SDK's runtime, as cmd/dynamic-provider loads it, leaves both unloaded, and both still work on
 * first use. And it refuses a Node.js older than 22 in words, before the engine waits for a port.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../support/pulumi-engine.js";

const SCRIPT = `
const { deferSdkModules } = require(${JSON.stringify(join(repoRoot, "scripts/bin/dynamic-provider.cjs"))});
deferSdkModules();
const loaded = () => ({
  typescript: Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(f)),
  automation: Object.keys(require.cache).some((f) => /[\\\\/]@pulumi[\\\\/]pulumi[\\\\/]automation[\\\\/]/.test(f)),
});
require("@pulumi/pulumi/runtime");
const atStart = loaded();
const pulumi = require("@pulumi/pulumi");
(async () => {
  const workspace = typeof pulumi.automation.LocalWorkspace;
  const keys = Object.keys(pulumi.automation).includes("LocalWorkspace");
  const serialized = await pulumi.runtime.serializeFunction(() => 6 * 7);
  console.log(JSON.stringify({ atStart, workspace, keys, serialized: serialized.text.includes("6 * 7"), atEnd: loaded() }));
})();
`;

describe("the dynamic-provider process's deferred SDK modules", () => {
  it("leave TypeScript and the Automation API unloaded at start, and load them on first use", () => {
    const out = execFileSync(process.execPath, ["-e", SCRIPT], { cwd: repoRoot, encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
    expect(JSON.parse(out)).toEqual({
      atStart: { typescript: false, automation: false },
      workspace: "function",
      keys: true,
      serialized: true,
      atEnd: { typescript: true, automation: true },
    });
  }, 60_000);
});

describe("the dynamic-provider process on an old Node.js", () => {
  // The machines this project runs on have Node 20 as the system node (./dev bootstraps 22).
  const old = ["/usr/bin/node", "/usr/local/bin/node"].find((node) => {
    if (!existsSync(node)) return false;
    const version = spawnSync(node, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }).stdout;
    return Number(version) < 22;
  });

  it("exits 1 with a message that says which node it found and what to do", (ctx) => {
    if (!old) ctx.skip("no Node.js older than 22 on this machine");
    const result = spawnSync(old!, [join(repoRoot, "scripts/bin/dynamic-provider.cjs"), "127.0.0.1:1"], { encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(""); // the engine reads a port from the first line of stdout
    expect(result.stderr).toMatch(/^pulumi-resource-pulumi-nodejs: error: .* is Node\.js \d+\.\d+\.\d+; the provider needs Node\.js >= 22 \(run \.\/dev once, or set PULUMI_NODEJS_NODE\)\n$/);
  });
});
