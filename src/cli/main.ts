#!/usr/bin/env node
/**
 * The `runner-fleet` binary: the only module that touches process.argv, process.exit, signals and
 * the real streams. Everything else receives an `io` (see run.ts).
 */
import { runCli } from "./run.js";

const controller = new AbortController();
let interrupts = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  // First signal: finish the current step and stop. Second: the user means it.
  if (++interrupts > 1) {
    process.stderr.write(`\n${signal} again: exiting now\n`);
    process.exit(130);
  }
  controller.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// `runner-fleet status | head -3` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

let code: number;
try {
  code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
} catch (error) {
  // runCli maps every error; this is a last resort that still shows what happened.
  console.error(error);
  code = 1;
}
// Exit once stdout is flushed: idle keep-alive sockets would otherwise hold the process open.
process.stdout.write("", () => process.exit(code));
