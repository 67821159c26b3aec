/** The parent's handle on bench/sandbox-process.ts. */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SandboxOptions } from "../src/sandbox/index.js";
import type { CommandName, Commands } from "./sandbox-commands.js";

/** What the benchmark needs from a sandbox running in another process. */
export interface RemoteSandbox {
  githubUrl: string;
  githubToken: string;
  cloudsYaml: string;
  cloudName: "sandbox";
  /** Requests served per service since the last reset. */
  counts(): Promise<Record<string, number>>;
  reset(): Promise<void>;
  online(prefix: string): Promise<number>;
  /** Any command of bench/sandbox-commands.ts. */
  ask<K extends CommandName>(name: K, args: Commands[K][0]): Promise<Commands[K][1]>;
  close(): Promise<void>;
}

/** Forks the sandbox process and waits until it serves. */
export async function startRemoteSandbox(options: SandboxOptions): Promise<RemoteSandbox> {
  const script = fileURLToPath(new URL("./sandbox-process.ts", import.meta.url));
  const child = fork(script, [JSON.stringify(options)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await readyMessage(child);
  let nextId = 1;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on("message", (message: { id?: number; reply?: unknown; error?: string }) => {
    const w = message.id === undefined ? undefined : waiting.get(message.id);
    if (w === undefined || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.error !== undefined) w.reject(new Error(`sandbox process: ${message.error}`));
    else w.resolve(message.reply);
  });
  child.once("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`sandbox process exited (${code})`));
    waiting.clear();
  });
  const call = <T>(name: string, args: object): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, name, args });
    });
  return {
    ...ready,
    cloudName: "sandbox",
    counts: async () => (await call<Commands["counts"][1]>("counts", {})).counts,
    reset: async () => void (await call("reset", {})),
    online: async (prefix) => (await call<Commands["online"][1]>("online", { prefix })).count,
    ask: (name, args) => call(name, args),
    close: async () => void (await call("close", {})),
  };
}

function readyMessage(child: ChildProcess): Promise<{ githubUrl: string; githubToken: string; cloudsYaml: string }> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`sandbox process exited (${code})`));
    const onMessage = (message: { type?: string; githubUrl: string; githubToken: string; cloudsYaml: string }) => {
      if (message.type !== "ready") return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
