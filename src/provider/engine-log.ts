/**
 * The provider's log lines, shown to the user. The pool logic writes `runner-fleet <level>: …`
 * lines to stderr (provider-runtime.ts), which the engine shows for the dynamic-provider process,
 * but hides for any other resource plugin (only `pulumi-resource-pulumi-nodejs` is exempt:
 * `isDynamicPluginBinary` in sdk/go/common/resource/plugin/plugin.go, 3.276.0). In the plugin,
 * those lines go to the engine's Log RPC instead, attached to the resource being worked on, so a
 * preview says what `up` would do for any program language, as it does for TypeScript.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

const resource = new AsyncLocalStorage<string>();
const pending = new Set<Promise<void>>();

/** Runs one provider call with `urn` as the resource its log lines belong to; returns once they are delivered. */
export async function withResource<T>(urn: string, call: () => Promise<T>): Promise<T> {
  try {
    return await resource.run(urn, call);
  } finally {
    await Promise.allSettled([...pending]);
  }
}

/** The engine's log severities (pulumirpc.LogSeverity) of the pool logic's levels. */
const SEVERITY: Record<string, number> = { info: 1, metric: 1, warning: 2, error: 3 };
const LINE = /^runner-fleet (info|metric|warning|error): /;

/** A way to send one log line to the engine. */
export type EngineLog = (severity: number, message: string, urn: string) => Promise<void>;

/** Forwards the pool logic's stderr lines to `send`; any other stderr output is left alone. */
export function forwardLogLines(send: EngineLog): void {
  const write = process.stderr.write.bind(process.stderr) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const level = LINE.exec(text)?.[1];
    if (!level) return write(chunk, ...rest);
    const delivery = send(SEVERITY[level] ?? 1, text.trimEnd(), resource.getStore() ?? "").catch(() => {
      write(chunk); // the engine is gone or refused it: keep the line where it would have been
    });
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
    return true;
  }) as typeof process.stderr.write;
}

/** The engine's address among a plugin's arguments, as the SDK's provider `main` reads them (provider/internals.ts). */
export function engineAddressOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--tracing") i++;
    else if (arg !== "--logtostderr" && !arg.startsWith("-v=")) return arg;
  }
  return undefined;
}

/** A sender over the engine's gRPC Log service at `address`, with the SDK's own generated client. */
export function engineLog(address: string): EngineLog {
  const require = createRequire(import.meta.url);
  const sdk = require.resolve("@pulumi/pulumi/package.json");
  const grpc = createRequire(sdk)("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
  const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb.js") as { EngineClient: new (address: string, credentials: unknown) => EngineClientLike };
  const { LogRequest } = require("@pulumi/pulumi/proto/engine_pb.js") as { LogRequest: new () => LogRequestLike };
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  return (severity, message, urn) =>
    new Promise((resolve, reject) => {
      const request = new LogRequest();
      request.setSeverity(severity);
      request.setMessage(message);
      request.setUrn(urn);
      client.log(request, (error) => (error ? reject(error) : resolve()));
    });
}

interface EngineClientLike {
  log(request: LogRequestLike, callback: (error: Error | null) => void): void;
}
interface LogRequestLike {
  setSeverity(value: number): void;
  setMessage(value: string): void;
  setUrn(value: string): void;
}
