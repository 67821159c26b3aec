/**
 * The fleet file: YAML holding a `FleetSpecInput`, plus one convenience the spec lacks,
 * `openstack.cloudsYamlFile` (a clouds.yaml path read into `openstack.cloudsYaml`). Relative
 * paths in the file resolve against the file's folder, as docker-compose and kubeconfig do, so a
 * fleet file works from any working directory. Every problem carries the file and its line.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import { ConfigError, type Problem } from "../manager/errors.js";
import { type FleetSpec, type FleetSpecInput, validateSpec } from "../manager/spec.js";

/** The default `--config`. */
export const DEFAULT_FLEET_FILE = "fleet.yaml";

/** What a fleet file holds: a fleet spec whose clouds.yaml may be given as a path. */
export type FleetFileData = Omit<FleetSpecInput, "openstack"> & {
  openstack?: NonNullable<FleetSpecInput["openstack"]> & { cloudsYamlFile?: string };
};

/** The sections of a fleet file that only `runner-fleet serve` reads. */
export interface ServeSections {
  autoscale?: unknown;
  serve?: unknown;
}

/** Where to look and which environment to validate with (`GITHUB_TOKEN` fallback). */
export interface LoadFleetOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Validates the serve sections too (their problems are reported with the spec's, with lines). */
  sections?: (sections: ServeSections, spec: FleetSpec | undefined) => Problem[];
}

/** A validated fleet file. */
export interface LoadedFleet {
  spec: FleetSpec;
  /** Absolute path of the fleet file. */
  path: string;
  /** `autoscale:` and `serve:` as written (a relative `serve.store` resolved against the file's folder). */
  sections: ServeSections;
}

/** Reads, parses and validates a fleet file; throws one `ConfigError` listing every problem. */
export async function loadFleetFile(file: string, options: LoadFleetOptions): Promise<LoadedFleet> {
  const path = resolve(options.cwd, file);
  const shown = displayPath(path, options.cwd);
  const text = await readText(path, "--config", `fleet file ${shown}`);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ path: `${shown}:${where(lines, e.pos[0])}`, message: firstLine(e.message) }));
    throw new ConfigError(problems, `${shown} is not valid YAML`);
  }
  const input: unknown = doc.toJS();
  if (input === null || input === undefined) throw new ConfigError([{ path: shown, message: "the fleet file is empty; see examples/fleet.yaml" }]);
  if (!isRecord(input)) throw new ConfigError([{ path: shown, message: "must be a mapping of fields (prefix, runners, image, …)" }]);
  const problems: Problem[] = [];
  await resolveFileFields(input, dirname(path), problems);
  const sections = takeServeSections(input, dirname(path));
  let spec: FleetSpec | undefined;
  try {
    spec = validateSpec(input, options.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (options.sections) problems.push(...options.sections(sections, spec));
  if (problems.length > 0 || !spec) throw new ConfigError(problems.map((p) => locate(p, doc, lines)), `invalid fleet file ${shown}`);
  return { spec, path, sections };
}

/** A path as people want to read it: relative to `cwd` when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

// --- internal ---

/**
 * Takes `autoscale:` and `serve:` out of the spec's fields. With autoscale, `runners` may be left
 * out: it is the floor the fleet starts with, minIdle by default.
 */
function takeServeSections(input: Record<string, unknown>, base: string): ServeSections {
  const { autoscale, serve } = input;
  delete input["autoscale"];
  delete input["serve"];
  if (input["runners"] === undefined && isRecord(autoscale)) input["runners"] = typeof autoscale["minIdle"] === "number" ? autoscale["minIdle"] : 0;
  if (isRecord(serve) && typeof serve["store"] === "string" && !/^postgres(ql)?:\/\//.test(serve["store"])) serve["store"] = resolve(base, serve["store"]);
  return { ...(autoscale === undefined ? {} : { autoscale }), ...(serve === undefined ? {} : { serve }) };
}

/** Maps `openstack.cloudsYamlFile` to `openstack.cloudsYaml` and anchors `metricsFile` to the file's folder. */
async function resolveFileFields(input: Record<string, unknown>, base: string, problems: Problem[]): Promise<void> {
  const openstack = input["openstack"];
  if (isRecord(openstack) && "cloudsYamlFile" in openstack) {
    const file = openstack["cloudsYamlFile"];
    delete openstack["cloudsYamlFile"];
    if (typeof file !== "string" || file.trim() === "") {
      problems.push({ path: "openstack.cloudsYamlFile", message: "must be a path to a clouds.yaml file" });
    } else if (openstack["cloudsYaml"] !== undefined) {
      problems.push({ path: "openstack.cloudsYamlFile", message: "give either cloudsYaml (text) or cloudsYamlFile (path), not both" });
    } else {
      try {
        openstack["cloudsYaml"] = await readText(resolve(base, file), "openstack.cloudsYamlFile", `clouds.yaml ${file}`);
      } catch (error) {
        if (error instanceof ConfigError) problems.push(...error.problems);
        else throw error;
      }
    }
  }
  const metrics = input["metricsFile"];
  if (typeof metrics === "string" && metrics.trim() !== "") input["metricsFile"] = resolve(base, metrics);
}

async function readText(path: string, field: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    const reason =
      code === "ENOENT" ? "not found" : code === "EISDIR" ? "is a folder, not a file" : code === "EACCES" ? "is not readable (permission denied)" : "could not be read";
    const hint = field === "--config" && code === "ENOENT" ? "; write one (see examples/fleet.yaml) or pass --config <file>" : "";
    throw new ConfigError([{ path: field, message: `${what} ${reason}${hint}` }]);
  }
}

/** Appends `(line N)` to a problem whose field (or unknown key) exists in the document. */
function locate(problem: Problem, doc: Document, lines: LineCounter): Problem {
  const segments = problem.path === "" ? [] : problem.path.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let node = (segments.length === 0 ? doc.contents : doc.getIn(segments, true)) as Node | null | undefined;
  const unknown = /^unknown fields? '([^']+)'/.exec(problem.message)?.[1];
  if (unknown !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === unknown);
    node = isScalar(pair?.key) ? pair.key : node;
  }
  const offset = node?.range?.[0];
  return offset === undefined ? problem : { ...problem, message: `${problem.message} (line ${lines.linePos(offset).line})` };
}

function where(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
