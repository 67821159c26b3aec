/** A bounded set of the most recently added names (memory that cannot grow with jobs served). */
export class RecentNames {
  readonly set = new Set<string>();

  constructor(private readonly limit: number) {}

  /** Adds `name`, forgetting the oldest once past the limit. */
  add(name: string): void {
    this.set.delete(name);
    this.set.add(name);
    if (this.set.size > this.limit) this.set.delete(this.set.values().next().value as string);
  }
}
