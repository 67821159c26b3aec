/**
 * Programs in other Pulumi languages that use runner-fleet as a Pulumi package (SPEC §11): the
 * examples examples/python-fleet and examples/yaml-fleet, copied as they are into a scratch
 * directory, with the provider plugin of the npm-packed runner-fleet (Pulumi.yaml's
 * `plugins.providers` path pointed into the installation) and, for Python, the virtualenv that
 * scripts/pulumi-sdk.sh makes (pulumi from PyPI plus the runner_fleet SDK generated from
 * schema/schema.json). scripts/pulumi-sdk.sh also builds the language host and links it next to
 * `pulumi`, where the engine looks for it; a missing piece REJECTS (fail, never skip).
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./pulumi-engine.js";
import { createPulumiProject, type PulumiProject } from "./pulumi-project.js";

/** The languages scripts/pulumi-sdk.sh prepares. */
export type SdkLanguage = "python" | "yaml";

const prepared = new Map<SdkLanguage, Promise<string>>();

/**
 * Runs `scripts/pulumi-sdk.sh <language>` once per test worker: the language host (built on a
 * cold machine, with progress on stderr), linked next to the engine, and for Python the
 * virtualenv. Resolves with the script's last line (the virtualenv; for YAML the engine's bin).
 */
export function ensureLanguageSdk(language: SdkLanguage): Promise<string> {
  let result = prepared.get(language);
  if (!result) {
    result = runScript(language).catch((error: unknown) => {
      prepared.delete(language); // a later call retries
      throw error;
    });
    prepared.set(language, result);
  }
  return result;
}

function runScript(language: SdkLanguage): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [join(repoRoot, "scripts", "pulumi-sdk.sh"), language], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1)?.trim() ?? "";
      if (code === 0 && last) resolve(last);
      else reject(new Error(`scripts/pulumi-sdk.sh ${language} failed (exit ${code}):\n${stderr.trimEnd().split("\n").slice(-30).join("\n")}`));
    });
  });
}

/** Where the examples point at the plugin: the repository's own launcher (Pulumi.yaml `plugins.providers`). */
const REPO_PLUGIN_PATH = "path: ../../bin";
/** The same launcher in the npm-packed runner-fleet the project's node_modules links to. */
const INSTALLED_PLUGIN_PATH = "path: node_modules/runner-fleet/bin";

/**
 * examples/<name> in a scratch directory, as is but for the plugin path, with its own backend
 * (the example's `backend: file://./.pulumi-state`) and, for Python, `venv` linked to the
 * virtualenv of scripts/pulumi-sdk.sh.
 */
export async function createExampleProject(example: "python-fleet" | "yaml-fleet", language: SdkLanguage): Promise<PulumiProject> {
  const prepared = await ensureLanguageSdk(language);
  // Without PULUMI_BACKEND_URL (which would win), so the project's own `backend:` is used.
  const project = await createPulumiProject({ copy: { [`examples/${example}`]: "." }, env: { PULUMI_BACKEND_URL: undefined } });
  const manifest = join(project.dir, "Pulumi.yaml");
  const text = await readFile(manifest, "utf8");
  if (!text.includes(REPO_PLUGIN_PATH)) throw new Error(`examples/${example}/Pulumi.yaml no longer says \`${REPO_PLUGIN_PATH}\` for the runner-fleet plugin`);
  await writeFile(manifest, text.replace(REPO_PLUGIN_PATH, INSTALLED_PLUGIN_PATH));
  // As the examples' READMEs say: a file backend's directory must exist before `stack init`.
  await mkdir(join(project.dir, ".pulumi-state"));
  if (language === "python") {
    // A developer's own link (scripts/pulumi-sdk.sh --link) may have been copied with the example.
    await rm(join(project.dir, "venv"), { recursive: true, force: true });
    await symlink(prepared, join(project.dir, "venv"), "dir");
  }
  return project;
}
