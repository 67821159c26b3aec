/** The parent's handle on bench/sandbox-process.ts. */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SandboxOptions } from "../src/sandbox/index.js";

/** What the benchmark needs from a sandbox running in another process. */
export interface RemoteSandbox {
  githubUrl: string;
  githubToken: string;
  cloudsYaml: string;
  cloudName: string;
  /** Requests served per service since the last reset. */
  counts(): Promise<Record<string, number>>;
  reset(): Promise<void>;
  online(prefix: string): Promise<number>;
  close(): Promise<void>;
}

/** Forks the sandbox process and waits until it serves. */
export async function startRemoteSandbox(options: SandboxOptions): Promise<RemoteSandbox> {
  const script = fileURLToPath(new URL("./sandbox-process.ts", import.meta.url));
  const child = fork(script, [JSON.stringify(options)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = <T>(message: object, reply: string): Promise<T> => request<T>(child, message, reply);
  const ready = await waitMessage<{ githubUrl: string; githubToken: string; cloudsYaml: string; cloudName: string }>(child, "ready");
  return {
    ...ready,
    counts: async () => (await ask<{ counts: Record<string, number> }>({ type: "counts" }, "counts")).counts,
    reset: async () => void (await ask({ type: "reset" }, "reset")),
    online: async (prefix) => (await ask<{ count: number }>({ type: "online", prefix }, "online")).count,
    close: async () => void (await ask({ type: "close" }, "closed")),
  };
}

function request<T>(child: ChildProcess, message: object, reply: string): Promise<T> {
  const answer = waitMessage<T>(child, reply);
  child.send(message);
  return answer;
}

function waitMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`sandbox process exited (${code})`));
    const onMessage = (message: { type?: string }) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
