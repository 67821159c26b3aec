/**
 * Reads the OpenStack cloud configuration the way openstacksdk does (reference A.5): clouds.yaml
 * from the usual places, secure.yaml merged in, `OS_CLOUD`, and the `OS_*` environment as a
 * cloud named `envvars`.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { ConfigError, type Problem } from "../manager/errors.js";
import { buildCloudConfig, envFieldNamer, fileFieldNamer } from "./_cloud-entry.js";
import { isRawMap, type RawMap } from "./_raw.js";
import type { CloudConfig } from "./types.js";

/** Where the configuration comes from; every field defaults to the real process and file system. */
export interface LoadCloudConfigOptions {
  /** clouds.yaml text; when given, no file is read (a Pulumi input stays self-contained). */
  cloudsYaml?: string;
  /** Cloud to use; overrides `OS_CLOUD`. */
  cloud?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  home?: string;
  /** Returns a file's text, or undefined when it does not exist. */
  readFile?: (path: string) => string | undefined;
}

/** Environment variables that select a configuration rather than describe a cloud. */
const SELECTOR_VARS = new Set(["OS_CLOUD", "OS_REGION_NAME", "OS_CLIENT_CONFIG_FILE", "OS_CLIENT_SECURE_FILE", "OS_CLOUD_NAME"]);
const EXTENSIONS = ["yaml", "yml", "json"];

/** Loads and validates one cloud; throws `ConfigError` listing every problem found. */
export function loadCloudConfig(options: LoadCloudConfigOptions = {}): CloudConfig {
  const { env = process.env, cwd = process.cwd(), home = homedir(), readFile = readFileIfExists } = options;
  const dirs = [cwd, join(home, ".config", "openstack"), "/etc/openstack"];
  const problems: Problem[] = [];

  const clouds = options.cloudsYaml !== undefined
    ? { label: "clouds.yaml", map: parseClouds("clouds.yaml", options.cloudsYaml, problems) }
    : readClouds("clouds", "OS_CLIENT_CONFIG_FILE", dirs, env, readFile, problems);
  if (options.cloudsYaml === undefined) {
    const secure = readClouds("secure", "OS_CLIENT_SECURE_FILE", dirs, env, readFile, problems);
    if (secure && clouds) for (const [name, entry] of Object.entries(secure.map)) clouds.map[name] = deepMerge(clouds.map[name], entry);
  }

  const envName = env.OS_CLOUD_NAME || "envvars";
  const envCloud = cloudFromEnv(env);
  const fileNames = Object.keys(clouds?.map ?? {});
  const available = [...fileNames, ...(envCloud && !fileNames.includes(envName) ? [envName] : [])];
  const requested = options.cloud || env.OS_CLOUD;
  const where = clouds ? clouds.label : `clouds.yaml (none found in ${dirs.join(", ")})`;

  let chosen: string | undefined;
  if (requested) {
    if (available.includes(requested)) chosen = requested;
    else problems.push({ path: "cloud", message: `cloud '${requested}' not found in ${where}; available: ${available.join(", ") || "none"}` });
  } else if (envCloud && options.cloudsYaml === undefined) {
    // openstacksdk prefers the OS_* environment when no cloud is named; explicit text is not ambient.
    chosen = envName;
  } else if (fileNames.length === 1) {
    chosen = fileNames[0];
  } else if (fileNames.length > 1) {
    problems.push({ path: "cloud", message: `${where} defines several clouds (${fileNames.join(", ")}); choose one with the cloud option or OS_CLOUD` });
  } else if (problems.length === 0) {
    problems.push({ path: "cloud", message: `no OpenStack cloud configured: no clouds.yaml in ${dirs.join(", ")} and no OS_AUTH_URL; provide clouds.yaml, set OS_CLOUD, or source an openrc file` });
  }

  if (chosen !== undefined) {
    const fromFile = clouds?.map[chosen];
    const raw = fromFile !== undefined ? fromFile : envCloud;
    if (!isRawMap(raw)) {
      problems.push({ path: `clouds.${chosen}`, message: `cloud '${chosen}' in ${where} must be a mapping` });
    } else {
      const built = buildCloudConfig(chosen, raw, fromFile !== undefined ? fileFieldNamer : envFieldNamer, env.OS_REGION_NAME);
      problems.push(...built.problems);
      if (built.config && problems.length === 0) return built.config;
    }
  }
  throw new ConfigError(problems, `OpenStack configuration: ${problems.map((p) => p.message).join("; ")}`);
}

// --- internal ---

/** Finds the first `<base>.{yaml,yml,json}` (or the file named by `envVar`) and parses its `clouds`. */
function readClouds(
  base: string,
  envVar: string,
  dirs: string[],
  env: Record<string, string | undefined>,
  readFile: (path: string) => string | undefined,
  problems: Problem[],
): { label: string; map: RawMap } | undefined {
  const explicit = env[envVar];
  if (explicit) {
    const text = readFile(explicit);
    if (text === undefined) {
      problems.push({ path: envVar, message: `${envVar} names ${explicit}, which does not exist` });
      return undefined;
    }
    return { label: explicit, map: parseClouds(explicit, text, problems) };
  }
  for (const dir of dirs) {
    for (const ext of EXTENSIONS) {
      const path = join(dir, `${base}.${ext}`);
      const text = readFile(path);
      if (text !== undefined) return { label: path, map: parseClouds(path, text, problems) };
    }
  }
  return undefined;
}

/** Parses a clouds/secure file; YAML errors are reported by position only (a line may hold a password). */
function parseClouds(label: string, text: string, problems: Problem[]): RawMap {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // Only the first line: the rest quotes the offending source line, which may hold a password.
    const detail = new Set(doc.errors.map((e) => (e.message.split("\n")[0] ?? e.code).replace(/:$/, "")));
    problems.push({ path: label, message: `${label} is not valid YAML: ${[...detail].join("; ")}` });
    return {};
  }
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return {};
  if (!isRawMap(root) || (root.clouds !== undefined && !isRawMap(root.clouds))) {
    problems.push({ path: label, message: `${label} must be a mapping with a 'clouds' mapping of cloud names` });
    return {};
  }
  return isRawMap(root.clouds) ? { ...root.clouds } : {};
}

/** The `OS_*` variables as one raw cloud entry (`OS_FOO` → `foo`), or undefined when none is set. */
function cloudFromEnv(env: Record<string, string | undefined>): RawMap | undefined {
  const entry: RawMap = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("OS_") || SELECTOR_VARS.has(key) || value === undefined || value === "") continue;
    entry[key.slice(3).toLowerCase()] = value;
  }
  return Object.keys(entry).length > 0 ? entry : undefined;
}

/** secure.yaml values override clouds.yaml values, mapping by mapping. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isRawMap(base) || !isRawMap(over)) return over;
  const merged: RawMap = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/** Reads a file, or undefined when it is absent; other failures say which file and why. */
function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new ConfigError([{ path, message: `cannot read ${path} (${code ?? "unknown error"})` }]);
  }
}
