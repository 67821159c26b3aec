import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { CloudState } from "./openstack-world.js";

/** What the sandbox writes to its state file. */
export interface SandboxSnapshot {
  version: 1;
  openstack: CloudState;
  github: unknown;
}

/** Reads a state file; undefined when it does not exist, an Error naming the file when it is unusable. */
export function loadSnapshot(file: string): SandboxSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`sandbox state file ${file} is not valid JSON; delete it to start afresh`, { cause: err });
  }
  if (!isSnapshot(parsed)) throw new Error(`sandbox state file ${file} is not a sandbox snapshot (version 1); delete it to start afresh`);
  return parsed;
}

/** Writes a state file atomically (temp file + rename), so a crash never leaves half a file. */
export function saveSnapshot(file: string, snapshot: SandboxSnapshot): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshot));
  renameSync(tmp, file);
}

/**
 * Saves the state when it changed, at most once per `intervalMs`. Comparing serialized snapshots
 * catches every change (requests and clock-driven transitions alike) without hooks in the worlds.
 */
export class StateSaver {
  private last = "";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SandboxSnapshot,
    private readonly intervalMs = 200,
  ) {}

  /** Starts watching for changes; the current state counts as saved when `alreadySaved`. */
  start(alreadySaved: boolean): void {
    if (alreadySaved) this.last = JSON.stringify(this.snapshot());
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes the state now if it changed since the last write. */
  flush(): void {
    const snap = this.snapshot();
    const text = JSON.stringify(snap);
    if (text === this.last) return;
    saveSnapshot(this.file, snap);
    this.last = text;
  }

  /** Stops watching and writes any last change. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}

// --- internal ---

function isSnapshot(value: unknown): value is SandboxSnapshot {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const os = v["openstack"] as Record<string, unknown> | undefined;
  return (
    v["version"] === 1 &&
    typeof os === "object" &&
    os !== null &&
    Array.isArray(os["servers"]) &&
    Array.isArray(os["tokens"]) &&
    typeof os["quota"] === "object" &&
    typeof os["failNext"] === "number" &&
    typeof os["nextIp"] === "number"
  );
}
