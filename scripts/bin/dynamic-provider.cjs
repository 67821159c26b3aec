// The dynamic-provider process that scripts/bin/pulumi-resource-pulumi-nodejs starts: upstream's
// `@pulumi/pulumi/cmd/dynamic-provider`, resolved from the program directory, with two changes
// around it and none inside it:
//
// - It exits when the engine is gone. The engine starts each plugin in its own process group and
//   stops it itself; if the engine dies without doing so (SIGKILL, OOM kill), this process is
//   orphaned with broken stdout/stderr pipes, and upstream logs every uncaught error to stderr,
//   so each EPIPE raises another: it would spin at full CPU for ever, growing by gigabytes.
//
// - Two parts of the SDK load on first use rather than at start: TypeScript (9 MB, which the SDK
//   uses only to serialize closures, something a provider process never does) and the Automation
//   API (which drives stacks, also never done here). cmd/dynamic-provider pulls both in through
//   `@pulumi/pulumi/runtime`; deferring them takes 0.2 s off the time the engine waits for the
//   provider in every `pulumi preview` (bench/pulumi-preview.ts). A provider that does use them
//   gets the real modules on its first access.
//
// Usage: node dynamic-provider.cjs <the engine's plugin arguments>
"use strict";
const Module = require("node:module");

const me = "pulumi-resource-pulumi-nodejs";
const MIN_NODE = 22;

/** A module object that loads the real one on its first use, and then behaves exactly as it. */
function onFirstUse(load, { esModule = false } = {}) {
  let real;
  const target = () => (real ??= load());
  // The proxy's own target stays empty, so a property may not be reported as non-configurable.
  const describe = (key) => {
    const found = Reflect.getOwnPropertyDescriptor(target(), key);
    return found && { ...found, configurable: true };
  };
  return new Proxy(
    {},
    {
      // `__importStar` asks whether the module is an ES module before using it: answered without loading.
      get: (_, key) => (esModule && key === "__esModule" ? true : Reflect.get(target(), key)),
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => describe(key),
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(target(), key, descriptor),
      deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
      getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    },
  );
}

/** The requires that load on first use: who requires what. */
const DEFERRED = [
  // typescript-shim.js: `require("typescript")`, or its vendored copy when that fails.
  { from: /[\\/]@pulumi[\\/]pulumi[\\/]typescript-shim\.js$/, request: () => true },
  // index.js: `const automation = __importStar(require("./automation"))`.
  { from: /[\\/]@pulumi[\\/]pulumi[\\/]index\.js$/, request: (r) => r === "./automation", esModule: true },
];

/** Makes DEFERRED's modules load on first use in this process. */
function deferSdkModules() {
  const load = Module._load;
  Module._load = function deferredLoad(request, parent, isMain) {
    const rule = parent?.filename && DEFERRED.find((d) => d.from.test(parent.filename) && d.request(request));
    if (!rule) return load.apply(this, arguments);
    // Resolve now, so a module that is missing fails here, as it would have (the TypeScript shim
    // catches that to fall back to its vendored copy).
    Module._resolveFilename(request, parent, isMain);
    return onFirstUse(() => load.call(this, request, parent, isMain), rule);
  };
}

function fail(message) {
  process.stderr.write(`${me}: error: ${message}\n`);
  process.exit(1);
}

function main() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < MIN_NODE) {
    fail(`${process.execPath} is Node.js ${process.versions.node}; the provider needs Node.js >= ${MIN_NODE} (run ./dev once, or set PULUMI_NODEJS_NODE)`);
  }
  const roots = [process.cwd()];
  if (process.env.PULUMI_DYNAMIC_PROVIDER_ROOT) roots.push(process.env.PULUMI_DYNAMIC_PROVIDER_ROOT);
  let entry;
  try {
    entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: roots });
  } catch (error) {
    fail(
      `cannot resolve @pulumi/pulumi/cmd/dynamic-provider from ${roots.join(" or ")}: ${String(error?.message ?? error).split("\n")[0]}\n` +
        `${me}: the program directory needs @pulumi/pulumi in its node_modules (or set PULUMI_DYNAMIC_PROVIDER_ROOT to a directory that has it)`,
    );
  }

  const engine = process.ppid;
  setInterval(() => {
    if (process.ppid !== engine) process.exit(1);
  }, 1000).unref();
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => process.exit(1));

  // V8 code cache on disk (under the OS temp dir unless NODE_COMPILE_CACHE says where): loading
  // the SDK and the provider takes about half as long from the second start.
  Module.enableCompileCache?.();
  deferSdkModules();
  // Upstream reads its arguments from process.argv.slice(2), as when run as `node <entry> <args>`.
  process.argv[1] = entry;
  require(entry);
}

if (require.main === module) main();

module.exports = { deferSdkModules };
