/**
 * Runs a Pulumi program (an example's index.ts) the way Pulumi's nodejs runtime does: compiled to
 * CommonJS and `require`d, with its imports served from this process. That serves `runner-fleet`
 * from src/ (an example's own node_modules would hold a build) and shares @pulumi/pulumi with the
 * test, so the program's resources reach the test's mocks.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import ts from "typescript";

/** Compiles and runs `file`; returns its exports (the stack outputs). */
export function runProgram(file: string, modules: Record<string, unknown>): Record<string, unknown> {
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, "utf8"), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
  });
  if (diagnostics?.length) throw new Error(`${file}: ${diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`);
  const require = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`${file} imports ${id}, which the test does not provide`);
    return modules[id];
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", "__filename", "__dirname", outputText)(module.exports, require, module, file, dirname(file));
  return module.exports;
}

/** The project config keys (`config.require*("key")`) a program reads, for checking its Pulumi.yaml declares them. */
export function requiredConfigKeys(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...new Set([...source.matchAll(/\bconfig\.require\w*\("([^"]+)"\)/g)].map((m) => m[1] as string))].sort();
}

/**
 * Type errors in the programs, as ts-node would report them under the examples' tsconfig
 * (CommonJS, node resolution), with `runner-fleet` and its subpaths mapped to src/ (only the programs' own
 * diagnostics count: src/ is checked under its own settings by the main tsconfig).
 */
export function typeErrors(files: string[], libraryEntries: Record<string, string>): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    skipLibCheck: true,
    types: ["node"],
    paths: Object.fromEntries(Object.entries(libraryEntries).map(([name, entry]) => [name, [entry]])),
  });
  return files.flatMap((file) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => `${file}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`),
  );
}
