/**
 * Strict flag checking. citty parses leniently (an unknown `--cout 3` is silently ignored), and a
 * typo must not turn `delete --cout 3` into something else: every unknown flag is exit code 2.
 */
import type { ArgsDef } from "citty";
import type { Problem } from "../manager/errors.js";
import { UsageError } from "./errors.js";

/** Flags every command accepts besides its own. */
const BUILTIN = new Set(["help", "h"]);

/** Throws a `UsageError` naming every unknown flag and unexpected argument in `rawArgs`. */
export function checkFlags(rawArgs: readonly string[], args: ArgsDef, command: string): void {
  const known = new Map<string, ArgsDef[string]>();
  for (const [name, def] of Object.entries(args)) {
    for (const alias of [name, camel(name), kebab(name), ...toArray("alias" in def ? def.alias : undefined)]) known.set(alias, def);
  }
  const positionals = Object.values(args).filter((d) => d.type === "positional").length;
  const problems: Problem[] = [];
  let seenPositionals = 0;
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i] ?? "";
    if (token === "--") break;
    if (!token.startsWith("-") || token === "-") {
      if (++seenPositionals > positionals) problems.push({ path: command, message: `unexpected argument '${token}'` });
      continue;
    }
    const [name = "", inline] = splitOnce(token.replace(/^--?/, ""), "=");
    const def = known.get(name) ?? (name.startsWith("no-") ? booleanOnly(known.get(name.slice(3))) : undefined);
    if (def === undefined && !BUILTIN.has(name)) {
      problems.push({ path: token.split("=")[0] ?? token, message: `unknown option for '${command}'${suggest(name, known)}` });
      // Its value, if it had one, is not a stray argument worth a second complaint.
      if (inline === undefined && !(rawArgs[i + 1] ?? "-").startsWith("-")) i++;
      continue;
    }
    // A string option takes the next token as its value unless given inline (`--count=3`).
    if ((def?.type === "string" || def?.type === "enum") && inline === undefined) i++;
  }
  if (problems.length > 0) throw new UsageError(problems, problems.length === 1 ? undefined : `invalid arguments for '${command}'`);
}

// --- internal ---

function booleanOnly(def: ArgsDef[string] | undefined): ArgsDef[string] | undefined {
  return def?.type === "boolean" ? def : undefined;
}

function suggest(name: string, known: Map<string, unknown>): string {
  const close = [...known.keys()].filter((k) => k.length > 1 && distance(k, name) <= 2);
  return close.length > 0 ? `; did you mean --${close[0]}?` : "";
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function toArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
