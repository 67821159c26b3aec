/**
 * The sandbox in its own process, so the benchmark measures the client's CPU time alone.
 * Started by bench/main.ts over IPC: it answers with its URLs, then serves request counts.
 */
import { startSandbox, type SandboxOptions } from "../src/sandbox/index.js";

type Command = { type: "counts" } | { type: "reset" } | { type: "online"; prefix: string } | { type: "close" };

const options = JSON.parse(process.argv[2] ?? "{}") as SandboxOptions;
const sandbox = await startSandbox(options);
const send = (message: unknown) => process.send?.(message);

process.on("message", async (command: Command) => {
  switch (command.type) {
    case "counts": {
      const counts: Record<string, number> = {};
      for (const r of sandbox.requests()) counts[r.service] = (counts[r.service] ?? 0) + 1;
      send({ type: "counts", counts });
      break;
    }
    case "reset":
      sandbox.resetRequests();
      send({ type: "reset" });
      break;
    case "online":
      send({ type: "online", count: sandbox.githubRunners().filter((r) => r.name.startsWith(`${command.prefix}-`) && r.status === "online").length });
      break;
    case "close":
      await sandbox.close();
      send({ type: "closed" });
      process.exit(0);
  }
});

send({ type: "ready", githubUrl: sandbox.githubUrl, githubToken: sandbox.githubToken, cloudsYaml: sandbox.cloudsYaml, cloudName: sandbox.cloudName });
