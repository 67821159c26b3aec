/** Runs the CLI in-process with captured streams, for the CLI's integration tests. */
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/run.js";

/** What one command line did. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of `runCliIn`: `signal` stands in for Ctrl-C; `runtime` overrides the transports. */
export interface CliRunOptions {
  signal?: AbortSignal;
  runtime?: CliIo["runtime"];
}

/** Runs one command line in `dir` with captured streams (stderr is not a terminal); no transport overrides. */
export async function runCapturedCli(
  dir: string,
  argv: string[],
  options: { env?: CliIo["env"]; signal?: AbortSignal; runtime?: CliIo["runtime"] } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stderrIsTTY: false,
    env: options.env ?? {},
    cwd: dir,
    signal: options.signal ?? new AbortController().signal,
    ...(options.runtime ? { runtime: options.runtime } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** Runs one command line with `dir` as the working directory, against the sandbox. */
export function runCliIn(dir: string, argv: string[], options: CliRunOptions = {}): Promise<CliRun> {
  // Short timeouts and retry waits: the sandbox answers in milliseconds.
  const runtime = { timeoutMs: 5000, retryAfterBaseMs: 5, ...options.runtime };
  return runCapturedCli(dir, argv, { ...(options.signal ? { signal: options.signal } : {}), runtime });
}
