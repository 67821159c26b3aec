/**
 * Detailed diffs for dynamic resources. The engine shows which properties changed, and whether
 * each forces a replacement, only when the provider's DiffResponse carries a detailed diff; the
 * SDK's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`, which the engine runs for
 * every dynamic resource) copies `changes`, `replaces` and `deleteBeforeReplace` from our `diff`
 * and drops anything else (its `diff` handler in cmd/dynamic-provider/index.js, SDK 3.276.0).
 *
 * So, in the provider process only, this module lets our `diff` fill in the response the host is
 * building: each DiffResponse the host constructs becomes the async-context store of that RPC,
 * and `attachDetailedDiff` sets its detailed-diff fields from inside the provider's `diff`. Where
 * the host or its generated protobuf module look different from what this expects, nothing is
 * patched and previews simply lack the property list; nothing else depends on it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

/** A changed property: its kind (a `-replace` kind forces a replacement) and whether inputs or outputs differ. */
export interface PropertyChange {
  kind: "add" | "add-replace" | "update" | "update-replace" | "delete" | "delete-replace";
  inputDiff: boolean;
}

interface ProtoModule {
  DiffResponse: (new (...args: unknown[]) => DiffResponseLike) & { prototype: DiffResponseLike };
  PropertyDiff: (new () => PropertyDiffLike) & { Kind: Record<string, number> };
}
interface DiffResponseLike {
  getDetaileddiffMap(): { set(key: string, value: PropertyDiffLike): unknown };
  setHasdetaileddiff(value: boolean): unknown;
  setDiffsList(value: string[]): unknown;
}
interface PropertyDiffLike {
  setKind(kind: number): PropertyDiffLike;
  setInputdiff(value: boolean): PropertyDiffLike;
}

const responses = new AsyncLocalStorage<DiffResponseLike>();
let proto: ProtoModule | undefined;

/** Makes the host's DiffResponses reachable from `attachDetailedDiff`; safe to call more than once. */
export function enableDetailedDiffs(): void {
  if (proto) return;
  try {
    // The module instances the host uses: both resolve @pulumi/pulumi from the program's node_modules.
    const require = createRequire(import.meta.url);
    const path = require.resolve("@pulumi/pulumi/proto/provider_pb.js");
    const loaded = require(path) as ProtoModule;
    const jspb = createRequire(path)("google-protobuf") as { Message: { initialize: (msg: unknown, ...rest: unknown[]) => void } };
    const { DiffResponse } = loaded;
    const initialize = jspb.Message.initialize;
    if (typeof DiffResponse !== "function" || typeof DiffResponse.prototype.setHasdetaileddiff !== "function" || typeof initialize !== "function") return;
    // Every generated message constructor calls Message.initialize(this, …). The host copied the
    // module's exports at load (its __importStar), so the constructor itself cannot be swapped.
    jspb.Message.initialize = function (this: unknown, msg: unknown, ...rest: unknown[]) {
      initialize.call(this, msg, ...rest);
      // The host's diff handler builds its response first and then awaits our `diff`, in the
      // same async context: from here on, that context's store is this response.
      if (msg instanceof DiffResponse) responses.enterWith(msg);
    };
    proto = loaded;
  } catch {
    // No SDK to patch (e.g. tests calling the provider directly): detailed diffs are not needed there.
  }
}

/** Sets the detailed diff of the DiffResponse being built for the current `diff` call, if any. */
export function attachDetailedDiff(changes: Record<string, PropertyChange>): void {
  const response = responses.getStore();
  if (!proto || !response) return;
  const map = response.getDetaileddiffMap();
  for (const [path, change] of Object.entries(changes)) {
    const kind = proto.PropertyDiff.Kind[change.kind.replace("-", "_").toUpperCase()];
    if (kind === undefined) continue;
    map.set(path, new proto.PropertyDiff().setKind(kind).setInputdiff(change.inputDiff));
  }
  response.setHasdetaileddiff(true);
  response.setDiffsList([...new Set(Object.keys(changes).map((path) => path.split(".")[0] ?? path))]);
}
