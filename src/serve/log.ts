/**
 * The service's `Logger` (the manager's port): one line per message on a stream, JSON for log
 * shippers (`--log-format json`) or `time level message key=value` for journald and terminals.
 * Fields must not hold secrets (ports.ts); this redacts defensively all the same, because a log
 * line outlives the process and is read by more people than the config file.
 */
import type { Logger } from "../manager/ports.js";

/** The levels, least severe first; a logger prints its own level and the ones after it. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** A message's severity. */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The line formats `--log-format` accepts. */
export const LOG_FORMATS = ["text", "json"] as const;
/** A line format. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where and how the logger writes. */
export interface ServeLoggerOptions {
  /** Default `text`. */
  format?: LogFormat;
  /** The least severe level printed (default `info`: debug is off). */
  level?: LogLevel;
  /** Default `process.stderr`, next to the CLI's own messages. */
  stream?: { write(line: string): unknown };
  now?: () => Date;
}

/** The value written in place of a secret. */
export const REDACTED = "[redacted]";

// Keys whose values are credentials, at any depth: tokens, secrets, passwords, private keys, JIT configs.
const SECRET_KEY = /token|secret|passw(or)?d|private[_-]?key|jit[_-]?config|authorization|credential|cookie|api[_-]?key/i;
// Credential-shaped text in values and messages: GitHub tokens, JWTs, PEM private keys.
const SECRET_TEXT = [
  /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];
const MAX_DEPTH = 6;
const RESERVED = new Set(["time", "level", "msg"]);

/** Builds the service logger; it never throws, whatever the fields hold. */
export function createServeLogger(options: ServeLoggerOptions = {}): Logger {
  const { format = "text", level = "info", stream = process.stderr, now = () => new Date() } = options;
  const floor = LOG_LEVELS.indexOf(level);
  const emit = (at: LogLevel) => (message: string, fields: Record<string, unknown> = {}): void => {
    if (LOG_LEVELS.indexOf(at) < floor) return;
    try {
      stream.write(`${formatLogRecord(format, now(), at, message, fields)}\n`);
    } catch {
      // A full disk or a closed pipe must not take the service down with it.
    }
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** One log line without its newline, redacted; exported for tests. */
export function formatLogRecord(format: LogFormat, time: Date, level: LogLevel, message: string, fields: Record<string, unknown>): string {
  const safe = redactFields(fields);
  const msg = redactText(message);
  if (format === "json") {
    const record: Record<string, unknown> = { time: time.toISOString(), level, msg };
    // A field named like a base key keeps its value without hiding the base key.
    for (const [key, value] of Object.entries(safe)) record[RESERVED.has(key) ? `field.${key}` : key] = value;
    return JSON.stringify(record);
  }
  // Second precision, like `date -u +%FT%TZ`: journald and shippers add their own timestamps anyway.
  const stamp = time.toISOString().replace(/\.\d{3}Z$/, "Z");
  const pairs = Object.entries(safe).map(([key, value]) => `${key}=${textValue(value)}`);
  // One message, one line: a newline inside would look like a second record.
  return [stamp, level, msg.replace(/\r?\n/g, "\\n"), ...pairs].join(" ");
}

/** A copy of `fields` that is plain JSON, with secret-named keys and credential-shaped text redacted. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return plain(fields, 0, new WeakSet()) as Record<string, unknown>;
}

/** Replaces credential-shaped substrings with `[redacted]`. */
export function redactText(text: string): string {
  return SECRET_TEXT.reduce((acc, pattern) => acc.replace(pattern, REDACTED), text);
}

// --- internal ---

function plain(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  // An error's message only: stacks are long and may carry request text.
  if (value instanceof Error) return redactText(value.message);
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[nested]";
  seen.add(value);
  const out = Array.isArray(value)
    ? value.map((item) => plain(item, depth + 1, seen))
    : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? REDACTED : plain(item, depth + 1, seen)]));
  seen.delete(value);
  return out;
}

function textValue(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  // Quoted when it would otherwise split into several key=value pairs or lines.
  return text === "" || /[\s"=]/.test(text) ? JSON.stringify(text) : text;
}
