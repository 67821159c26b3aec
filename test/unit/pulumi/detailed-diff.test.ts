import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { attachDetailedDiff, enableDetailedDiffs } from "../../../src/pulumi/detailed-diff.js";

interface DiffResponse {
  getHasdetaileddiff(): boolean;
  getDiffsList(): string[];
  getDetaileddiffMap(): { get(key: string): { getKind(): number; getInputdiff(): boolean } | undefined; getLength(): number };
}
const require = createRequire(import.meta.url);
const proto = require("@pulumi/pulumi/proto/provider_pb.js") as {
  DiffResponse: new () => DiffResponse;
  PropertyDiff: { Kind: Record<string, number> };
};
// As the host holds it: a copy of the module's exports taken when it loaded (its __importStar).
const hostProto = { ...proto };
const service = (require("@pulumi/pulumi/proto/provider_grpc_pb.js") as { ResourceProviderService: { diff: { responseSerialize(r: unknown): Buffer } } }).ResourceProviderService;

/** What the SDK's dynamic-provider host does in its diff handler: build the response, await the provider's diff, send it. */
async function hostDiff(providerDiff: () => Promise<void>): Promise<DiffResponse> {
  const response = new hostProto.DiffResponse();
  await Promise.resolve(); // the host awaits getProvider() in between
  await providerDiff();
  service.diff.responseSerialize(response); // what grpc does with it: throws for a response of another type
  return response;
}

describe("detailed diffs of dynamic resources", () => {
  it("fills the DiffResponse the host builds for the diff call in progress, kinds and input flag included", async () => {
    enableDetailedDiffs();
    const response = await hostDiff(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      attachDetailedDiff({ runners: { kind: "update", inputDiff: true }, "github.path": { kind: "update-replace", inputDiff: true } });
    });
    expect(response.getHasdetaileddiff()).toBe(true);
    expect(response.getDiffsList()).toEqual(["runners", "github"]);
    expect(response.getDetaileddiffMap().get("runners")?.getKind()).toBe(proto.PropertyDiff.Kind["UPDATE"]);
    expect(response.getDetaileddiffMap().get("github.path")?.getKind()).toBe(proto.PropertyDiff.Kind["UPDATE_REPLACE"]);
    expect(response.getDetaileddiffMap().get("github.path")?.getInputdiff()).toBe(true);
  });

  it("keeps concurrent diff calls apart: each response gets its own call's properties", async () => {
    enableDetailedDiffs();
    const slow = hostDiff(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      attachDetailedDiff({ image: { kind: "update", inputDiff: true } });
    });
    const fast = hostDiff(async () => attachDetailedDiff({ prefix: { kind: "update-replace", inputDiff: true } }));
    const [a, b] = await Promise.all([slow, fast]);
    expect(a.getDiffsList()).toEqual(["image"]);
    expect(b.getDiffsList()).toEqual(["prefix"]);
  });

  it("leaves a response untouched when the provider's diff attaches nothing", async () => {
    enableDetailedDiffs();
    const response = await hostDiff(async () => undefined);
    expect(response.getHasdetaileddiff()).toBe(false);
    expect(response.getDetaileddiffMap().getLength()).toBe(0);
  });
});
