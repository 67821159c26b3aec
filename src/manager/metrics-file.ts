/** A `MetricsSink` that appends one JSON line per event to a file (upstream's transport). */
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { formatEvent, type MetricEvent, type MetricsSink } from "./metrics.js";

/** Appends events to `path`, creating its folder; writes are serialized so lines never interleave. */
export class JsonLinesMetricsFile implements MetricsSink {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  issue(event: MetricEvent): Promise<void> {
    const line = `${formatEvent(event)}\n`;
    const write = this.queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line, "utf8");
    });
    this.queue = write.catch(() => undefined);
    return write;
  }
}
