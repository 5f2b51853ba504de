/**
 * Seeded randomness for the concurrency tests: the same seed replays the same interleaving, so a
 * failure can be reproduced from the seed its message names.
 */

/** A small xorshift generator: numbers in [0, 1), determined by `seed`. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Waits `ms`: used only to spread racing operations over time, never to wait for a result. */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
