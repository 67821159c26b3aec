import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cliDir = fileURLToPath(new URL("../../../src/cli/", import.meta.url));

/** The modules `entry` loads through static imports (`import … from`, `export … from`), transitively. */
async function staticGraph(entry: string): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (graph.has(file)) continue;
    const text = await readFile(file, "utf8");
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)]
      .filter((m) => !/^\s*(?:import|export)\s+type\s/.test(m[0]))
      .map((m) => m[1] as string);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith(".")) queue.push(resolve(dirname(file), s.replace(/\.js$/, ".ts")));
  }
  return graph;
}

describe("the CLI without Pulumi", () => {
  it("never imports @pulumi/pulumi or the stack-action modules statically: they load only for --stack and the Pulumi demo", async () => {
    const graph = await staticGraph(join(cliDir, "main.ts"));
    const pulumiImporters = [...graph].filter(([, specs]) => specs.some((s) => s.startsWith("@pulumi/"))).map(([file]) => file);
    expect(pulumiImporters).toEqual([]);
    expect([...graph.keys()].filter((f) => /stack-(actions|session|reconcile)\.ts$|demo-pulumi/.test(f))).toEqual([]);
    expect([...graph.keys()].some((f) => f.endsWith("stack-flags.ts"))).toBe(true); // the walk does reach the commands
  });
});
