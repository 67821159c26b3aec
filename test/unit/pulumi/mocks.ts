/**
 * `pulumi.runtime.setMocks` with a recorder: every registration with its type, name, parent,
 * dependencies, `additionalSecretOutputs` and inputs as the monitor received them (secrets still
 * wrapped, so tests can tell secret from plain). The mock's `newResource` does not see parents or
 * options, so the recorder also wraps the mock monitor's `registerResource`.
 */
import * as pulumi from "@pulumi/pulumi";

/** One registered resource. */
export interface Registered {
  type: string;
  name: string;
  urn: string;
  /** The parent's URN ("" for none). */
  parent: string;
  dependencies: string[];
  additionalSecretOutputs: string[];
  /** As the monitor received them: a secret is `{ [specialSigKey]: specialSecretSig, value }`. */
  inputs: Record<string, unknown>;
}

/** What a test passes to start recording. */
export interface MockOptions {
  project?: string;
  stack?: string;
  preview?: boolean;
  /** Stack config, full keys (`project:key`, `runner-fleet:flushTrigger`). */
  config?: Record<string, string>;
  secretKeys?: string[];
  /** Extra state a resource reports besides its inputs (e.g. the pool's observed counts). */
  outputsOf?: (type: string, name: string) => Record<string, unknown>;
}

/** A recording in progress. */
export interface Recording {
  /** Waits until every registration (and registerOutputs) has reached the monitor, then lists them. */
  settled(): Promise<Registered[]>;
  /** The outputs a component registered with `registerOutputs` (undefined if it never did). */
  registeredOutputs(urn: string): Record<string, unknown> | undefined;
}

// The parts of the SDK's RegisterResourceRequest / MockMonitor that the recorder reads.
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}
type Callback = (err: unknown, response?: { getUrn(): string }) => void;
interface Monitor {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
  resources: Map<string, { state: unknown }>;
}

/** Sets mocks (and config) and records what the program registers. */
export async function startMocks(options: MockOptions = {}): Promise<Recording> {
  const { project = "proj", stack = "dev", preview = false, outputsOf = () => ({}) } = options;
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  const inputs = new Map<string, Record<string, unknown>>();
  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs: received }) => {
        inputs.set(`${type}::${name}`, received);
        return { id: `${name}-id`, state: { ...received, ...outputsOf(type, name) } };
      },
      call: ({ inputs: received }) => received,
    },
    project,
    stack,
    preview,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const pending: Promise<Omit<Registered, "inputs">>[] = [];
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const base = {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    };
    pending.push(new Promise((resolve) => {
      const done: Callback = (err, response) => {
        if (response) resolve({ ...base, urn: response.getUrn() });
        callback(err, response);
      };
      void register(req, done);
    }));
    return Promise.resolve();
  };
  return {
    async settled() {
      // disconnect() waits for every outstanding RPC; the next test calls setMocks again.
      await pulumi.runtime.disconnect();
      const done = await Promise.all(pending);
      return done.map((r) => ({ ...r, inputs: inputs.get(`${r.type}::${r.name}`) ?? {} }));
    },
    registeredOutputs(urn) {
      // registerResourceOutputs replaces the mock's state with the request's Struct.
      const state = monitor.resources.get(urn)?.state as { toJavaScript?: () => Record<string, unknown> } | undefined;
      return typeof state?.toJavaScript === "function" ? state.toJavaScript() : undefined;
    },
  };
}

/** Whether an input arrived as a secret. */
export function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** The value with every secret wrapper removed. */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/** The one registered resource of `type` (and `name`, if given); throws when there is not exactly one. */
export function only(resources: Registered[], type: string, name?: string): Registered {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
  return found[0] as Registered;
}

/** Resolves an output's value under mocks. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
