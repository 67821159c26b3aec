/**
 * The fleet spec: everything needed to build a manager for one fleet, as the CLI's fleet file,
 * the Pulumi component and `createRunnerManager` receive it. `validateSpec` reports every
 * problem at once, each with its path and what to do.
 */
import { z } from "zod";
import { parseGitHubPath } from "./github-path.js";
import { ConfigError, type Problem } from "./errors.js";
import { PREFIX_PATTERN } from "./naming.js";
import type { GitHubAuth, GitHubPath } from "./types.js";
import type { RunnerVmOptions } from "./user-data.js";

const name = z.string().trim().min(1, "must not be empty");
const label = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "labels hold letters, digits, '.', '_' and '-' (at most 100)");
const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const count = (what: string) => z.number({ error: `must be a number of ${what}` }).int("must be a whole number").min(0, "must be ≥ 0");

const inputSchema = z.strictObject({
  prefix: z.string().regex(PREFIX_PATTERN, "use 1–51 lowercase letters, digits and dashes, not starting or ending with a dash"),
  name: name.optional(),
  runners: count("runners"),
  maxRunners: count("runners").min(1, "must be ≥ 1").optional(),
  image: name,
  flavor: name,
  network: name,
  securityGroups: z.array(name).optional(),
  keyName: name.optional(),
  labels: z.array(label).max(90, "GitHub allows at most 100 labels, 3 are added").optional(),
  github: z.strictObject({
    path: z.string(),
    runnerGroup: name.optional(),
    apiUrl: url.optional(),
    token: name.optional(),
    app: z
      .strictObject({
        appId: z.union([z.number().int().positive(), name]),
        installationId: z.number().int().positive(),
        privateKey: z.string().includes("PRIVATE KEY", { error: "must be a PEM private key" }),
      })
      .optional(),
  }),
  openstack: z
    .strictObject({ cloud: name.optional(), cloudsYaml: name.optional(), region: name.optional() })
    .optional(),
  vm: z
    .strictObject({
      runnerDir: z.string().startsWith("/", "must be an absolute path").optional(),
      runnerDownloadUrl: url.optional(),
      runnerUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a valid Linux user name").optional(),
      proxy: z.strictObject({ http: url.optional(), https: url.optional(), noProxy: z.string().optional() }).optional(),
      preJobScript: z.string().optional(),
      extraScript: z.string().optional(),
    })
    .optional(),
  createConcurrency: count("runners").min(1, "must be ≥ 1").max(100, "must be ≤ 100").optional(),
  graceSeconds: count("seconds").optional(),
  creationTimeoutSeconds: count("seconds").min(60, "must be ≥ 60").optional(),
  metricsFile: name.optional(),
});

/** A fleet spec as written by a person (YAML file, Pulumi args). */
export type FleetSpecInput = z.input<typeof inputSchema>;

/** A validated fleet spec with defaults applied. */
export interface FleetSpec {
  name: string;
  prefix: string;
  runners: number;
  maxRunners?: number;
  image: string;
  flavor: string;
  network: string;
  securityGroups: string[];
  keyName?: string;
  labels: string[];
  github: { path: GitHubPath; auth: GitHubAuth; apiUrl?: string };
  openstack: { cloud?: string; cloudsYaml?: string; region?: string };
  vm: RunnerVmOptions;
  createConcurrency: number;
  graceSeconds: number;
  creationTimeoutSeconds: number;
  metricsFile?: string;
}

/**
 * Validates `input` and applies defaults; throws one `ConfigError` listing every problem.
 * `env.GITHUB_TOKEN` is the ambient fallback when neither a token nor an App is given.
 */
export function validateSpec(input: unknown, env: Record<string, string | undefined> = {}): FleetSpec {
  const parsed = inputSchema.safeParse(input, { reportInput: true });
  const problems: Problem[] = parsed.success ? [] : parsed.error.issues.map(toProblem);
  const github = (input as { github?: { path?: unknown; runnerGroup?: unknown } } | undefined)?.github;
  // The path is checked even when other fields are wrong, so every problem shows at once.
  const path = typeof github?.path === "string" ? tryParsePath(github.path, github.runnerGroup, problems) : undefined;
  if (!parsed.success || !path) throw new ConfigError(problems);
  const spec = parsed.data;
  const { token, app } = spec.github;
  if (token && app) problems.push({ path: "github", message: "give either token or app, not both" });
  const ambient = env["GITHUB_TOKEN"]?.trim();
  const auth: GitHubAuth | undefined = token ? { token } : app ? app : ambient ? { token: ambient } : undefined;
  if (!auth) problems.push({ path: "github.token", message: "no GitHub credentials: set github.token, github.app, or GITHUB_TOKEN" });
  if (spec.maxRunners !== undefined && spec.runners > spec.maxRunners) {
    problems.push({ path: "runners", message: `${spec.runners} exceeds maxRunners (${spec.maxRunners})` });
  }
  if (problems.length > 0 || !auth) throw new ConfigError(problems);
  const {
    name = spec.prefix, securityGroups = [], labels = [], openstack = {}, vm = {}, createConcurrency = 10, graceSeconds = 60,
    creationTimeoutSeconds = 1200, github: { apiUrl }, ...rest
  } = spec;
  return {
    ...rest,
    name, securityGroups, labels, openstack, vm, createConcurrency, graceSeconds, creationTimeoutSeconds,
    github: { path, auth, ...(apiUrl ? { apiUrl } : {}) },
  } as FleetSpec;
}

function tryParsePath(text: string, runnerGroup: unknown, problems: Problem[]): GitHubPath | undefined {
  try {
    return parseGitHubPath(text, typeof runnerGroup === "string" ? runnerGroup : undefined);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

function toProblem(issue: z.core.$ZodIssue): Problem {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return { path, message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}` };
  }
  if (issue.code === "invalid_type" && issue.input === undefined) return { path, message: "is required" };
  return { path, message: issue.message };
}
