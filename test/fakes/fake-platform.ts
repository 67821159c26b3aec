/** An in-memory `RunnerPlatform` for manager unit tests: deleting a truly busy runner answers "busy" like GitHub's 422. */
import type { JitRunner, JobInfo, PlatformRunner, RunnerPlatform } from "../../src/manager/ports.js";
import { GitHubApiError } from "../../src/manager/errors.js";

/** A runner as GitHub truly has it; `listedBusy` is what the (lagging) list shows. */
export interface FakeRunner extends PlatformRunner {
  trueBusy: boolean;
}

export class FakePlatform implements RunnerPlatform {
  readonly runners = new Map<number, FakeRunner>();
  readonly calls: string[] = [];
  readonly jobs = new Map<string, JobInfo>();
  failJit: Error | undefined;
  failDelete = new Set<number>();
  /** Called when a delete is answered (lets a test flip state between list and delete). */
  beforeDelete: ((runner: FakeRunner) => void) | undefined;
  private nextId = 100;

  /** Adds a runner; `busy` sets both the true and the listed flag unless `trueBusy` is given. */
  add(runner: Partial<FakeRunner> & { name: string }): FakeRunner {
    const full: FakeRunner = {
      id: this.nextId++, online: true, busy: false, labels: ["self-hosted", "linux"], trueBusy: runner.busy ?? false, ...runner,
    };
    this.runners.set(full.id, full);
    return full;
  }

  byName(name: string): FakeRunner | undefined {
    return [...this.runners.values()].find((r) => r.name === name);
  }

  async listRunners(): Promise<PlatformRunner[]> {
    this.calls.push("list");
    return [...this.runners.values()].map(({ trueBusy: _trueBusy, ...listed }) => listed);
  }

  async createJitRunner(name: string, labels: string[]): Promise<JitRunner> {
    this.calls.push(`jit ${name}`);
    if (this.failJit) throw this.failJit;
    const runner = this.add({ name, online: false, labels });
    return { runner, jitConfig: `jit-secret-${runner.id}` };
  }

  async deleteRunner(id: number): Promise<"deleted" | "gone" | "busy"> {
    this.calls.push(`delete ${id}`);
    const runner = this.runners.get(id);
    if (runner) this.beforeDelete?.(runner);
    if (this.failDelete.has(id)) throw new GitHubApiError(`cannot delete runner ${id}`, 502);
    if (!runner) return "gone";
    if (runner.trueBusy) return "busy";
    this.runners.delete(id);
    return "deleted";
  }

  async findJob(repository: string, runId: number, runnerName: string): Promise<JobInfo | undefined> {
    this.calls.push(`job ${repository} ${runId}`);
    return this.jobs.get(`${repository}#${runId}#${runnerName}`);
  }
}
