/**
 * A project that uses runner-fleet the way a Pulumi user's program does: the package is built,
 * `npm pack`ed and installed from the tarball. Not a `file:` link: a linked package's realpath is
 * outside node_modules, so Pulumi's closure serializer would capture it by value instead of as a
 * `require` (reference pulumi-engine §3.1, §4.2). @pulumi/pulumi comes from the npm cache.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A consumer project on disk. */
export interface ConsumerProject {
  /** Its directory: node_modules/runner-fleet (from the tarball) and node_modules/@pulumi/pulumi. */
  dir: string;
  /** Runs `node <script>` in `dir` (so module resolution is the project's), `input` as JSON on stdin. */
  node(script: string, input: unknown, env?: Record<string, string>): Promise<{ stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

async function versionOf(pkg: string): Promise<string> {
  return (JSON.parse(await readFile(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

/** Builds and packs runner-fleet into a temp dir, then installs the tarball into a new project there. */
export async function createConsumerProject(): Promise<ConsumerProject> {
  const work = await mkdtemp(join(tmpdir(), "runner-fleet-consumer-"));
  const stage = join(work, "package");
  await mkdir(stage);
  // Compile into the stage rather than dist/, which other tasks may be rebuilding at the same time.
  await run(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", join(repoRoot, "tsconfig.build.json"), "--outDir", join(stage, "dist")]);
  for (const file of ["package.json", "README.md"]) await copyFile(join(repoRoot, file), join(stage, file));
  const packed = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: stage });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];

  const dir = join(work, "app");
  await mkdir(dir);
  const manifest = {
    name: "runner-fleet-consumer",
    private: true,
    dependencies: { "runner-fleet": `file:${join(work, filename)}`, "@pulumi/pulumi": await versionOf("@pulumi/pulumi") },
    // The repository's resolution, which the npm cache holds (the newest @types/node may not be there).
    overrides: { "@types/node": await versionOf("@types/node") },
  };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const install = (mode: string) => run("npm", ["install", mode, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
  // Offline from the npm cache when it has everything (seconds); else the registry fills the gaps.
  await install("--offline").catch(() => install("--prefer-offline"));

  return {
    dir,
    async node(script, input, env = {}) {
      const file = join(dir, `script-${Date.now()}.cjs`);
      await writeFile(file, script);
      const child = run(process.execPath, [file], { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir, ...env }, maxBuffer: 16 * 1024 * 1024 });
      child.child.stdin?.end(JSON.stringify(input));
      return child;
    },
    remove: () => rm(work, { recursive: true, force: true }),
  };
}
