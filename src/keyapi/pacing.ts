/**
 * Client-side pacing: every upstream request of this process waits for its own slot, `1/qps` seconds
 * after the previous one, however many callers ask at once. No burst: each request is a paid credit
 * and KeyAPI answers a burst with 429.
 */

/** Hands out request slots at a fixed rate. */
export interface Pacer {
  /** Resolves when the caller may send its request. */
  wait(): Promise<void>;
}

export function createPacer(qps: number, now: () => number = Date.now): Pacer {
  const gapMs = 1000 / qps;
  let nextSlot = 0;
  return {
    wait() {
      const at = Math.max(now(), nextSlot);
      nextSlot = at + gapMs;
      const delay = at - now();
      return delay <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, delay));
    },
  };
}
