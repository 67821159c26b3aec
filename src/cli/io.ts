/**
 * What a command may touch of the outside world. Only main.ts builds one from `process`; tests
 * build one from arrays, so every command runs in-process with its output captured.
 */
import type { RuntimeOptions } from "../fleet/create-runner-manager.js";

/** Something text can be written to (process.stdout, or a test's buffer). */
export interface Writer {
  write(text: string): unknown;
}

/** The streams, environment and stop signal a command runs with. */
export interface CliIo {
  /** Results: tables, JSON, the demo's narration. */
  stdout: Writer;
  /** Progress, logs and errors. */
  stderr: Writer;
  /** Whether stderr is a terminal: spinners redraw a line there, plain lines elsewhere. */
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Relative paths (`--config`, `--dir`) resolve against this folder. */
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands finish their current step and return. */
  signal: AbortSignal;
  /** Transport overrides handed to createFleetManager (tests shrink timeouts and retry waits). */
  runtime?: Pick<RuntimeOptions, "timeoutMs" | "retryAfterBaseMs" | "openstackFetch" | "githubFetch">;
}

/** Writes one line to `writer`. */
export function println(writer: Writer, line = ""): void {
  writer.write(`${line}\n`);
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
