/** Seeded randomness for the sandbox's faults, so one seed tells the same story on every run. */

/** A small, well-known 32-bit PRNG (Tommy Ettinger's Mulberry32): deterministic per seed, values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Whether `rate` is a probability (a number from 0 to 1). */
export function isRate(rate: unknown): rate is number {
  return typeof rate === "number" && rate >= 0 && rate <= 1;
}
