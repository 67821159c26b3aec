/**
 * The sandbox in its own process, so the benchmark measures the client's CPU time alone.
 * Started by bench/remote-sandbox.ts over IPC: it answers with its URLs, then runs the commands
 * of bench/sandbox-commands.ts, each request `{ id, name, args }` answered by `{ id, reply }`.
 */
import { startSandbox, type SandboxOptions } from "../src/sandbox/index.js";
import { type CommandName, runCommand } from "./sandbox-commands.js";

const options = JSON.parse(process.argv[2] ?? "{}") as SandboxOptions;
const sandbox = await startSandbox(options);
const send = (message: unknown) => process.send?.(message);

process.on("message", async (request: { id: number; name: CommandName | "close"; args: never }) => {
  if (request.name === "close") {
    await sandbox.close();
    send({ id: request.id, reply: {} });
    process.exit(0);
  }
  try {
    send({ id: request.id, reply: runCommand(sandbox, request.name, request.args) });
  } catch (error) {
    send({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});

send({ type: "ready", githubUrl: sandbox.githubUrl, githubToken: sandbox.githubToken, cloudsYaml: sandbox.cloudsYaml, cloudName: sandbox.cloudName });
