/**
 * `serve --stack S [--fleet F]`: the fleet's inputs as the stack's state holds them (the runner
 * pool's outputs, credentials decrypted by `pulumi stack export --show-secrets`), so the service
 * runs exactly the fleet the program declares. The `pulumi` binary runs as a child process: the
 * service never loads the Pulumi SDK. The state is read again every few minutes, so a `pulumi up`
 * that changes `autoscale` reaches the running service.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ConfigError, FleetError } from "../manager/errors.js";
import { validateSpec } from "../manager/spec.js";
import { type PoolOutputs, specOf } from "../pulumi/pool-inputs.js";
import { validateServeConfig } from "../serve/config.js";
import type { CliIo } from "./io.js";
import { type ServedFleet, withFlags } from "./serve-fleet.js";
import type { StackTarget } from "./stack-flags.js";
import { findPools, resourcesOf } from "./stack-state.js";

const exec = promisify(execFile);

/** Reads the stack's pool of `target.fleet` (the only fleet when there is one) and validates it for serving. */
export async function openStackFleet(target: StackTarget, flags: Record<string, unknown>, io: CliIo): Promise<ServedFleet> {
  const read = async (): Promise<PoolOutputs> => {
    const resources = resourcesOf(await exportStack(target, io));
    const pools = findPools(resources, target.stack, target.fleet);
    if (pools.length !== 1) {
      throw new ConfigError([{ path: "--fleet", message: `stack '${target.stack}' has ${pools.length} fleets (${pools.map((p) => p.fleet).join(", ")}): one serve process serves one fleet; name it with --fleet` }]);
    }
    const pool = resources.find((r) => r.urn === pools[0]!.urn);
    return revealed(pool?.outputs) as PoolOutputs;
  };
  const outputs = await read();
  const spec = validateSpec(specOf(outputs), io.env);
  const config = validateServeConfig(withFlags({ autoscale: outputs.autoscale, serve: {} }, flags), spec.prefix, io.env);
  return {
    spec,
    config,
    reload: async () => validateServeConfig(withFlags({ autoscale: (await read()).autoscale, serve: {} }, flags), spec.prefix, io.env).autoscale,
  };
}

// How `stack export --show-secrets` writes a secret: the secret signature and its value as JSON.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The state's values with every shown secret replaced by its value (pulumi's state format). */
function revealed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealed);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (SECRET_SIG in record && typeof record["plaintext"] === "string") return revealed(JSON.parse(record["plaintext"]) as unknown);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revealed(v)]));
}

async function exportStack(target: StackTarget, io: CliIo): Promise<unknown> {
  try {
    const { stdout } = await exec(target.pulumi, ["stack", "export", "--show-secrets", "--stack", target.stack, "--non-interactive"], {
      cwd: target.projectDir,
      env: io.env as NodeJS.ProcessEnv,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    return JSON.parse(stdout) as unknown;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split("\n").at(-1) ?? "";
    throw new FleetError("stack_unreadable", `cannot read stack '${target.stack}' in ${target.projectDir}: ${stderr || (error as Error).message} (is PULUMI_CONFIG_PASSPHRASE set as for \`pulumi up\`?)`, { cause: error });
  }
}


