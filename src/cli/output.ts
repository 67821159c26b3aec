/** Plain-text tables and JSON for the CLI's stdout; no dependency, no colour (output is often piped). */
import { describeError } from "../manager/errors.js";
import { type Writer, println } from "./io.js";

/** How a column lines up: text left, numbers right. */
export type Align = "left" | "right";

/** A column: its header and alignment. */
export interface Column {
  header: string;
  align?: Align;
}

/**
 * Renders rows under upper-case headers, columns two spaces apart, trailing spaces trimmed.
 * Short rows are padded with empty cells so a missing value never shifts the columns.
 */
export function renderTable(columns: readonly (Column | string)[], rows: readonly (readonly string[])[]): string {
  const cols = columns.map((c) => (typeof c === "string" ? { header: c } : c));
  const cells = [cols.map((c) => c.header.toUpperCase()), ...rows.map((r) => cols.map((_, i) => r[i] ?? ""))];
  const widths = cols.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ""))));
  return cells
    .map((row) =>
      row
        .map((cell, i) => pad(cell, widths[i] ?? 0, cols[i]?.align ?? "left"))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Prints `value` as indented JSON; errors become their message, never their stack. */
export function printJson(writer: Writer, value: unknown): void {
  println(writer, JSON.stringify(value, jsonReplacer, 2));
}

/** Prints `value` as one JSON line (for streams of records, e.g. one per reconcile cycle). */
export function printJsonLine(writer: Writer, value: unknown): void {
  println(writer, JSON.stringify(value, jsonReplacer));
}

/** A compact age: `42s`, `3m`, `5h`, `2d`. */
export function formatAge(from: Date, now: Date): string {
  const s = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Removes terminal colour codes (citty colours its usage and its error messages). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** `n thing` or `n things`. */
export function plural(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? "" : "s"}`;
}

// --- internal ---

function jsonReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? describeError(value) : value;
}

// Terminal cells, not UTF-16 units: "≥" and "…" are one cell; no wide (CJK) text is expected here.
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, size - width(text)));
  return align === "right" ? fill + text : text + fill;
}
