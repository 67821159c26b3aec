/** Bounded parallelism without a dependency: at most `limit` calls in flight. */

/** The outcome of one item: its value, or the error it threw (never lost). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `fn` over `items` with at most `limit` in flight and returns every outcome in input order.
 * `shouldStop` is checked before each new start, so a fatal error can end the batch early.
 */
export async function mapSettled<I, O>(
  items: readonly I[],
  limit: number,
  fn: (item: I, index: number) => Promise<O>,
  shouldStop: () => boolean = () => false,
): Promise<Settled<O>[]> {
  const results: Settled<O>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !shouldStop()) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await fn(items[index] as I, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results.filter((r) => r !== undefined);
}
