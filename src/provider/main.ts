/**
 * `pulumi-resource-runner-fleet`: the provider plugin's entry, run by node through the launcher
 * bin/pulumi-resource-runner-fleet. The engine starts it with its own gRPC address as the argument
 * and reads the plugin's port from the first line of stdout, so nothing else may print there.
 *
 * Node's compile cache is switched on before anything else loads: the SDK and runner-fleet are
 * compiled once per machine, not in every preview (see bench/pulumi-preview.ts for what it buys).
 * Everything else is imported dynamically, after it.
 */
import module from "node:module";

module.enableCompileCache?.();

const args = process.argv.slice(2);
const [pulumi, { runnerFleetProvider }, { engineAddressOf, engineLog, forwardLogLines }] = await Promise.all([
  import("@pulumi/pulumi"),
  import("./provider.js"),
  import("./engine-log.js"),
]);
const engine = engineAddressOf(args);
if (engine) forwardLogLines(engineLog(engine));
await pulumi.provider.main(runnerFleetProvider, args);
