/** A human logger for the CLI: one line per event on stderr, secrets redacted before printing. */
import type { Logger } from "../manager/ports.js";

type Level = "debug" | "info" | "warn" | "error";

/** Where the logger prints, and how much. */
export interface HumanLoggerOptions {
  /** Prints one line (on stderr, without garbling a spinner). */
  print(line: string): void;
  /** With `verbose`, debug and info events are printed too; otherwise warnings and errors only. */
  verbose?: boolean;
}

// Field names whose values are credentials; their values are never printed.
const SECRET_KEY = /token|secret|password|passwd|jit|private|authorization|credential|cookie/i;
// Credential-shaped text inside messages: GitHub tokens, JWTs, PEM keys.
const SECRET_TEXT = [
  /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** Builds a `Logger` that prints `level: message key=value …`, never printing a secret. */
export function createHumanLogger(options: HumanLoggerOptions): Logger {
  const emit = (level: Level) => (message: string, fields: Record<string, unknown> = {}): void => {
    if (!options.verbose && (level === "debug" || level === "info")) return;
    options.print(formatLogLine(level, message, fields));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** Formats one event; exported for tests. */
export function formatLogLine(level: Level, message: string, fields: Record<string, unknown> = {}): string {
  const parts = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(key, value)}`);
  return [`${level}: ${redactText(message)}`, ...parts].join(" ");
}

/** Replaces credential-shaped substrings with `[redacted]`. */
export function redactText(text: string): string {
  return SECRET_TEXT.reduce((acc, pattern) => acc.replace(pattern, "[redacted]"), text);
}

// --- internal ---

function formatValue(key: string, value: unknown): string {
  if (SECRET_KEY.test(key)) return "[redacted]";
  const text = value instanceof Error ? value.message : typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const safe = redactText(text);
  return /[\s"=]/.test(safe) ? JSON.stringify(safe) : safe;
}
