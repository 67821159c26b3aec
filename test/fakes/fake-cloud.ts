/** An in-memory `CloudRunnerManager` for manager unit tests (Canonical's FakeCloudRunnerManager). */
import type { CloudInstance, CloudRunnerManager, CreateInstanceRequest } from "../../src/manager/ports.js";
import { CloudRunnerState } from "../../src/manager/types.js";
import { CloudError } from "../../src/manager/errors.js";

/** A VM in the fake cloud, with the console text its runner wrote. */
export interface FakeVm extends CloudInstance {
  console: string;
  jitConfig?: string;
}

export class FakeCloud implements CloudRunnerManager {
  readonly fingerprint = "fp-1";
  readonly vms = new Map<string, FakeVm>();
  readonly calls: string[] = [];
  /** Names whose creation fails. */
  failCreate = new Set<string>();
  failAllCreates: Error | undefined;
  failDelete = new Set<string>();
  private nextId = 1;

  constructor(
    readonly namePrefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds a VM directly (arrange step of a test). */
  add(vm: Partial<FakeVm> & { name: string }): FakeVm {
    const full: FakeVm = { id: `vm-${this.nextId++}`, state: CloudRunnerState.Active, createdAt: this.now(), console: "", ...vm };
    this.vms.set(full.id, full);
    return full;
  }

  byName(name: string): FakeVm[] {
    return [...this.vms.values()].filter((vm) => vm.name === name);
  }

  async createInstance(request: CreateInstanceRequest): Promise<CloudInstance> {
    this.calls.push(`create ${request.name}`);
    if (this.failAllCreates) throw this.failAllCreates;
    if (this.failCreate.has(request.name)) throw new CloudError(`cannot create ${request.name}`, 500);
    return this.add({
      name: request.name, runnerId: request.runnerId, jitConfig: request.jitConfig, state: CloudRunnerState.Created, fingerprint: this.fingerprint,
    });
  }

  async listInstances(): Promise<CloudInstance[]> {
    this.calls.push("list");
    return [...this.vms.values()].filter((vm) => vm.name.startsWith(`${this.namePrefix}-`)).map((vm) => ({ ...vm }));
  }

  async deleteInstance(instance: CloudInstance): Promise<"deleted" | "gone"> {
    this.calls.push(`delete ${instance.name}`);
    if (this.failDelete.has(instance.name)) throw new CloudError(`cannot delete ${instance.name}`, 500);
    return this.vms.delete(instance.id) ? "deleted" : "gone";
  }

  async consoleOutput(instance: CloudInstance): Promise<string> {
    return this.vms.get(instance.id)?.console ?? "";
  }

  async getInstance(id: string): Promise<CloudInstance | undefined> {
    return this.vms.get(id);
  }
}
