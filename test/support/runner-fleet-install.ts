/**
 * runner-fleet installed the way a user's project has it, for the end-to-end tests and the
 * preview benchmark.
 *
 * `installRunnerFleet()` builds the package, `npm pack`s it and installs the tarball (with
 * @pulumi/pulumi, typescript and @types/node) into a directory under the OS temp dir keyed by a
 * hash of everything that goes into the package. That happens ONCE per content: every test file,
 * every later run and the benchmark reuse it (seconds when cached, a minute when not). Not a
 * `file:` link: Pulumi's closure serializer captures a linked package by value (reference
 * pulumi-engine §3.1, §4.2), and the provider process must `require("runner-fleet/pulumi-provider")`
 * from an installed package. `installRunnerFleetAt(commit)` does the same for an earlier release
 * from the repository's history, for upgrade tests.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./pulumi-engine.js";

const exec = promisify(execFile);

/** Bump when the installation recipe below changes, so older cached installations are not reused. */
const RECIPE = 2;
/** Where installations are cached: one directory per content hash. */
const CACHE_ROOT = join(tmpdir(), "runner-fleet-e2e-install");
/**
 * Installations unused for this long are removed (148 MB each; every change to src/ makes a new
 * one). Longer than any test run or benchmark that may still be using one.
 */
const PRUNE_AFTER_MS = 3600_000;

/** The versions the installation takes from the repository's own resolution (the npm cache has them). */
const PINNED = ["@pulumi/pulumi", "typescript", "@types/node"] as const;

/** Packages an installation may add to PINNED, at the repository's versions (infrastructure stacks). */
export type ExtraPackage = "@pulumi/openstack";

async function versionOf(pkg: string): Promise<string> {
  return (JSON.parse(await readFile(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A hash of everything the installed package is made of. */
async function contentHash(packages: readonly string[], commit?: string): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`recipe ${RECIPE}\nnode ${process.versions.node.split(".")[0]}\n`);
  for (const pkg of packages) hash.update(`${pkg}@${await versionOf(pkg)}\n`);
  if (commit) return hash.update(`commit ${commit}\n`).digest("hex").slice(0, 16);
  const files = [...(await filesUnder(join(repoRoot, "src"))), ...(await filesUnder(join(repoRoot, "bin"))), ...(await filesUnder(join(repoRoot, "schema"))), ...["package.json", "tsconfig.json", "tsconfig.build.json", "README.md"].map((f) => join(repoRoot, f))];
  for (const file of files) {
    hash.update(`${relative(repoRoot, file)}\0`);
    hash.update(await readFile(file));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

const installations = new Map<string, Promise<string>>();

/**
 * The directory of an installed runner-fleet (its `node_modules` has runner-fleet from the
 * tarball, @pulumi/pulumi, typescript and @types/node, plus `extras`), built on first use per
 * content. Memoized.
 */
export function installRunnerFleet(extras: readonly ExtraPackage[] = []): Promise<string> {
  return memoized([...PINNED, ...[...extras].sort()]);
}

/** runner-fleet as released at `commit` (a full hash of this repository's history), installed the same way. */
export function installRunnerFleetAt(commit: string): Promise<string> {
  return memoized([...PINNED], commit);
}

function memoized(packages: readonly string[], commit?: string): Promise<string> {
  const key = `${packages.join(" ")} ${commit ?? "work tree"}`;
  let installation = installations.get(key);
  if (!installation) {
    installation = install(packages, commit).catch((error: unknown) => {
      installations.delete(key);
      throw error;
    });
    installations.set(key, installation);
  }
  return installation;
}

async function install(packages: readonly string[], commit?: string): Promise<string> {
  const hash = await contentHash(packages, commit);
  const final = join(CACHE_ROOT, hash);
  await mkdir(CACHE_ROOT, { recursive: true });
  await prune(hash);
  if (existsSync(join(final, ".complete"))) {
    const now = new Date();
    await utimes(final, now, now); // mark as recently used, for prune()
    return final;
  }
  const building = join(CACHE_ROOT, `${hash}.building-${process.pid}-${Date.now()}`);
  try {
    if (commit) await withSourcesAt(commit, (root) => build(building, packages, root));
    else await build(building, packages, repoRoot);
    await writeFile(join(building, ".complete"), new Date().toISOString());
    try {
      await rename(building, final);
    } catch (error) {
      // Another process finished the same content first: use theirs.
      if (!existsSync(join(final, ".complete"))) throw error;
    }
    return final;
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/** Runs `fn` with the package's sources of `commit` extracted to a scratch directory (node_modules linked for the compile). */
async function withSourcesAt(commit: string, fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "runner-fleet-e2e-ref-"));
  try {
    const archive = join(root, "sources.tar");
    await exec("git", ["archive", "--format=tar", "-o", archive, commit, "src", "package.json", "tsconfig.json", "tsconfig.build.json", "README.md"], { cwd: repoRoot }).catch((error: Error) => {
      throw new Error(`cannot read runner-fleet's sources at ${commit} (a shallow clone lacks that history: fetch it): ${error.message}`);
    });
    await exec("tar", ["-xf", archive, "-C", root]);
    await symlink(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function build(dir: string, packages: readonly string[], sources: string): Promise<void> {
  const stage = join(dir, "stage");
  await mkdir(stage, { recursive: true });
  process.stderr.write(`[pulumi-project] building and installing runner-fleet from npm pack into ${dir} (once per content)\n`);
  // Compile into the stage rather than dist/, which other tasks may be rebuilding at the same time.
  const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
  await exec(process.execPath, [tsc, "-p", join(sources, "tsconfig.build.json"), "--outDir", join(stage, "dist")], { cwd: sources }).catch((error: { stdout?: string; message: string }) => {
    // tsc emits despite type errors; those are the typecheck's to report (`npm test` runs it
    // first). The end-to-end tests run what was emitted, unless nothing was.
    if (!existsSync(join(stage, "dist", "pulumi", "provider-entry.js"))) throw new Error(`compiling runner-fleet failed: ${error.stdout || error.message}`);
    process.stderr.write(`[pulumi-project] WARNING: tsc reported errors; installing what it emitted:\n${error.stdout ?? error.message}\n`);
  });
  for (const file of ["package.json", "README.md"]) await copyFile(join(sources, file), join(stage, file));
  // The provider plugin's launcher and schema (absent from releases before the plugin).
  for (const folder of ["bin", "schema"]) if (existsSync(join(sources, folder))) await cp(join(sources, folder), join(stage, folder), { recursive: true });
  const packed = await exec("npm", ["pack", "--json", "--pack-destination", dir], { cwd: stage });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const manifest = {
    name: "runner-fleet-e2e-install",
    private: true,
    // Relative, so the installation stays valid after the directory is renamed into place.
    dependencies: {
      "runner-fleet": `file:./${filename}`,
      ...Object.fromEntries(await Promise.all(packages.map(async (pkg) => [pkg, await versionOf(pkg)] as const))),
    },
    overrides: { "@types/node": await versionOf("@types/node") },
  };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const npmInstall = (mode: string) => exec("npm", ["install", mode, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
  // Offline from the npm cache when it has everything (seconds); else the registry fills the gaps.
  await npmInstall("--offline").catch(() => npmInstall("--prefer-offline"));
  await rm(stage, { recursive: true, force: true });
}

/** Removes installations unused for an hour, and builds abandoned by killed processes. */
async function prune(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(CACHE_ROOT).catch(() => [] as string[])) {
    if (name === keep) continue;
    const path = join(CACHE_ROOT, name);
    const used = (await stat(path).catch(() => undefined))?.mtimeMs;
    if (used !== undefined && now - used > PRUNE_AFTER_MS) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

