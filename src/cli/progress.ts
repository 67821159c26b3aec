/**
 * Progress of long operations on stderr: on a terminal, one redrawn line with a spinner and a
 * `done/total` count; elsewhere (CI logs, pipes, tests) a plain line when a step starts and ends.
 */
import type { CliIo } from "./io.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR = "\r\x1b[2K";

/** One step at a time, with an optional count of things done. */
export class Progress {
  private label = "";
  private total: number | undefined;
  private done = 0;
  private frame = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private active = false;

  constructor(private readonly io: Pick<CliIo, "stderr" | "stderrIsTTY">) {}

  /** Starts a step: `creating runners` with `total` 10 shows `creating runners 0/10`. */
  start(label: string, total?: number): void {
    this.stop();
    Object.assign(this, { label, total, done: 0, active: true });
    if (!this.io.stderrIsTTY) {
      this.io.stderr.write(`${label}…\n`);
      return;
    }
    this.draw();
    this.timer = setInterval(() => this.draw(), 80);
    this.timer.unref?.();
  }

  /**
   * Sets the count to `done` (redrawn on a terminal, silent otherwise). `total` and `label` change
   * too when given: a reconcile only learns mid-step how many runners it creates.
   */
  update(done: number, total = this.total, label = this.label): void {
    if (!this.active || (done === this.done && total === this.total && label === this.label)) return;
    Object.assign(this, { done, total, label });
    if (this.io.stderrIsTTY) this.draw();
  }

  /** An `onProgress` for the manager's create and reconcile calls, counting under `label`. */
  counter(label = this.label): (done: number, total: number) => void {
    return (done, total) => this.update(done, total, label);
  }

  /** Ends the step; prints `final` (e.g. `created 10 runners in 4.2s`) when given. */
  stop(final?: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.active && this.io.stderrIsTTY) this.io.stderr.write(CLEAR);
    this.active = false;
    if (final) this.io.stderr.write(`${final}\n`);
  }

  /** Writes a line to stderr without garbling the spinner line. */
  print(line: string): void {
    if (this.active && this.io.stderrIsTTY) this.io.stderr.write(CLEAR);
    this.io.stderr.write(`${line}\n`);
    if (this.active && this.io.stderrIsTTY) this.draw();
  }

  private text(): string {
    return this.total === undefined ? this.label : `${this.label} ${this.done}/${this.total}`;
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.io.stderr.write(`${CLEAR}${FRAMES[this.frame]} ${this.text()}`);
  }
}
