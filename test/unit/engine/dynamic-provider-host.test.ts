/**
 * scripts/bin/dynamic-provider.cjs defers TypeScript and the Automation API in the provider
 * process. Run in a child node (module loading is process-wide): the SDK's runtime, as
 * cmd/dynamic-provider loads it, leaves both unloaded, and both still work on first use.
 */
import { execFileSync } from "node:child_process";
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
