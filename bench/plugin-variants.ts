/**
 * The provider plugin's variants for the preview benchmark (bench/pulumi-preview.ts): how it is
 * started (Node's compile cache on or off, a bundle of runner-fleet's modules) and how long the
 * plugin takes from exec to printing its port, the part of a preview it adds alone.
 */
import { execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../test/support/pulumi-engine.js";

const exec = promisify(execFile);

/**
 * runner-fleet's plugin entry and every runner-fleet module it may load, bundled into one file
 * with esbuild (vitest's, in node_modules/.bin; not a dependency of the package). The SDK stays
 * outside: it must be the program's instance (the detailed-diff hook patches its protobuf module).
 * The result is laid out like the package (dist/provider/main.js, schema/, package.json) with the
 * installation's node_modules beside it, for the launcher's RUNNER_FLEET_PACKAGE.
 */
export async function bundlePlugin(installation: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "runner-fleet-bench-bundle-"));
  await mkdir(join(dir, "schema"));
  await copyFile(join(repoRoot, "schema", "schema.json"), join(dir, "schema", "schema.json"));
  await copyFile(join(repoRoot, "package.json"), join(dir, "package.json"));
  // version.ts reads ../package.json from where the bundle runs.
  await mkdir(join(dir, "dist"));
  await copyFile(join(repoRoot, "package.json"), join(dir, "dist", "package.json"));
  await symlink(join(installation, "node_modules"), join(dir, "node_modules"), "dir");
  await exec(join(repoRoot, "node_modules", ".bin", "esbuild"), [
    join(repoRoot, "src", "provider", "main.ts"),
    "--bundle", "--platform=node", "--format=esm", "--target=node22",
    "--external:@pulumi/pulumi", "--external:@pulumi/openstack",
    // Bundled CommonJS dependencies call require(): give the ESM bundle one.
    "--banner:js=import { createRequire as __rfRequire } from 'node:module'; const require = __rfRequire(import.meta.url);",
    `--outfile=${join(dir, "dist", "provider", "main.js")}`,
  ], { cwd: repoRoot });
  return dir;
}

/** Milliseconds from exec of the launcher to the port on its stdout, `runs` times (the engine address is never dialled). */
export async function pluginStartTimes(launcher: string, env: Record<string, string>, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(launcher, ["127.0.0.1:1"], { env, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.stdout.once("data", () => {
        times.push(performance.now() - start);
        child.kill();
        resolve();
      });
      child.on("exit", (code) => code && reject(new Error(`${launcher} exited with ${code}: ${stderr}`)));
    });
  }
  return times;
}
