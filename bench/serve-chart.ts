/**
 * An ASCII chart of runners (live VMs) against queued jobs over the trace: one column per slice
 * of the day (the highest value in the slice, so short bursts stay visible), runners as a filled
 * area of `#`, queued jobs as `o` on top, hours of the real day along the bottom.
 */
import type { FleetSample } from "./sandbox-commands.js";

/** Chart options: the day's length in bench ms and the real hours it stands for. */
export interface ChartOptions {
  dayMs: number;
  hours: number;
  width?: number;
  height?: number;
  title: string;
}

/** Renders the chart as lines of text (no trailing newline). */
export function renderChart(samples: readonly FleetSample[], o: ChartOptions): string {
  const { width = 72, height = 12 } = o;
  const columns = Array.from({ length: width }, (_, c) => {
    const from = (c * o.dayMs) / width;
    const to = ((c + 1) * o.dayMs) / width;
    const inside = samples.filter((s) => s.t >= from && s.t < to);
    return { live: Math.max(0, ...inside.map((s) => s.live)), queued: Math.max(0, ...inside.map((s) => s.queued)) };
  });
  const top = Math.max(1, ...columns.map((c) => Math.max(c.live, c.queued)));
  const step = Math.ceil(top / height);
  const label = (n: number) => String(n).padStart(4);
  const lines = [o.title, `${" ".repeat(5)}# runners (live VMs)   o queued jobs   (each column: the most in ${((o.hours * 60) / width).toFixed(0)} real minutes)`];
  for (let row = height; row >= 1; row--) {
    const level = row * step;
    const cells = columns.map((c) => {
      // A cell holds a value when the value reaches past the middle of the cell's band.
      const queuedHere = c.queued > 0 && Math.ceil(c.queued / step) === row;
      if (queuedHere) return "o";
      return c.live >= level - step / 2 ? "#" : " ";
    });
    lines.push(`${row % 3 === 0 ? label(level) : "    "} |${cells.join("").trimEnd()}`);
  }
  lines.push(`${label(0)} +${"-".repeat(width)}`);
  const axis = Array.from({ length: width + 1 }, () => " ");
  for (let h = 0; h < o.hours; h += 3) {
    const at = Math.round((h / o.hours) * width);
    `${String(h).padStart(2, "0")}h`.split("").forEach((ch, i) => (axis[at + i] = ch));
  }
  lines.push(`      ${axis.join("").trimEnd()}`);
  return lines.join("\n");
}
