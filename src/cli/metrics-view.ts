/** Reading back the metric events a fleet wrote (JSON lines) and showing them as a table. */
import { readFile } from "node:fs/promises";
import { renderTable } from "./output.js";

/** One event as read back: its name, time and the rest of its fields. */
export type EventRecord = { event: string; timestamp: number } & Record<string, unknown>;

/** The events in a JSON-lines file; a missing file means none were written. */
export async function readMetricEvents(path: string): Promise<EventRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown)
    .filter(isEventRecord);
}

/** A table of events: name, time of day, and the fields a person reads first. */
export function renderEvents(events: readonly EventRecord[]): string {
  const rows = events.map((e) => [e.event, new Date(e.timestamp * 1000).toTimeString().slice(0, 8), details(e)]);
  return renderTable(["event", "time", "details"], rows);
}

// --- internal ---

const DETAILS: Record<string, string[]> = {
  runner_installed: ["duration"],
  runner_start: ["repo", "workflow", "idle", "queue_duration"],
  runner_stop: ["repo", "workflow", "status", "job_duration", "job_conclusion"],
  reconciliation: ["expected_runners", "idle_runners", "active_runners", "crashed_runners", "duration"],
};

function details(e: EventRecord): string {
  return (DETAILS[e.event] ?? [])
    .filter((key) => e[key] !== undefined && e[key] !== null)
    .map((key) => `${key}=${format(key, e[key])}`)
    .join(" ");
}

function format(key: string, value: unknown): string {
  const seconds = key === "duration" || key === "idle" || key.endsWith("_duration");
  return typeof value === "number" && seconds ? `${value.toFixed(1)}s` : String(value);
}

function isEventRecord(value: unknown): value is EventRecord {
  return typeof value === "object" && value !== null && typeof (value as { event?: unknown }).event === "string" && typeof (value as { timestamp?: unknown }).timestamp === "number";
}
