/**
 * The CLI as a function: argv and an `io` in, an exit code out. main.ts calls it with the real
 * process; tests call it with captured streams, so every command runs in-process.
 */
import { type ArgsDef, type CommandDef, renderUsage, runCommand } from "citty";
import { VERSION } from "../version.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { createCommand } from "./commands/create.js";
import { deleteCommand } from "./commands/delete.js";
import { demoCommand } from "./commands/demo.js";
import { flushCommand } from "./commands/flush.js";
import { jobCommand } from "./commands/job.js";
import { reconcileCommand } from "./commands/reconcile.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { serveCommand } from "./commands/serve.js";
import { statusCommand } from "./commands/status.js";
import { ExitCode, exitCodeOf, formatError, isUsageError, UsageError } from "./errors.js";
import { checkFlags } from "./flags.js";
import { type CliIo, println } from "./io.js";
import { stripAnsi } from "./output.js";

/** The commands, in the order `--help` lists them. */
export function buildCommands(io: CliIo): Record<string, CommandDef<ArgsDef>> {
  return {
    status: statusCommand(io),
    create: createCommand(io),
    delete: deleteCommand(io),
    flush: flushCommand(io),
    cleanup: cleanupCommand(io),
    reconcile: reconcileCommand(io),
    serve: serveCommand(io),
    sandbox: sandboxCommand(io),
    job: jobCommand(io),
    demo: demoCommand(io),
  } as Record<string, CommandDef<ArgsDef>>;
}

/** Runs one command line; never throws: every error is printed and mapped to an exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const commands = buildCommands(io);
  const root: CommandDef<ArgsDef> = {
    meta: { name: "runner-fleet", version: VERSION, description: "Ephemeral GitHub Actions runners on OpenStack" },
    subCommands: commands,
  };
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      println(name === undefined ? io.stderr : io.stdout, await usage(root));
      return name === undefined ? ExitCode.BadInput : ExitCode.Ok;
    }
    if (name === "--version" || name === "-v") {
      println(io.stdout, VERSION);
      return ExitCode.Ok;
    }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (command === undefined) {
      throw new UsageError([{ path: "", message: `unknown command '${name}'; commands: ${Object.keys(commands).join(", ")}` }]);
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      println(io.stdout, await usage(command, root));
      return ExitCode.Ok;
    }
    checkFlags(rest, (command.args ?? {}) as ArgsDef, name);
    const { result } = await runCommand(command, { rawArgs: [...rest] });
    return isExitCode(result) ? result : ExitCode.Ok;
  } catch (error) {
    for (const line of formatError(error, argv.includes("--verbose"))) println(io.stderr, line);
    if (isUsageError(error)) println(io.stderr, `see 'runner-fleet ${name !== undefined && Object.hasOwn(commands, name) ? `${name} ` : ""}--help'`);
    return exitCodeOf(error);
  }
}

/** citty's usage text without its colours: help is read in pipes and logs as often as on terminals. */
async function usage(command: CommandDef<ArgsDef>, parent?: CommandDef<ArgsDef>): Promise<string> {
  return stripAnsi(await renderUsage(command, parent))
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}

function isExitCode(value: unknown): value is ExitCode {
  return typeof value === "number" && (Object.values(ExitCode) as number[]).includes(value);
}
