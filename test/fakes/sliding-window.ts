/**
 * A platform's documented rate limit as the fakes enforce it: at most `perSecond` requests per key in
 * any sliding second (the strictest reading of "N requests per second"), telling how long to wait.
 */
export class SlidingWindow {
  private readonly recent = new Map<string, number[]>();
  /** Requests refused so far. */
  refused = 0;

  constructor(private readonly perSecond: number) {}

  /** Takes a request at `now` (ms); returns 0 when allowed, else the ms until one would be. */
  take(key: string, now: number): number {
    const window = (this.recent.get(key) ?? []).filter((t) => now - t < 1000);
    if (window.length >= this.perSecond) {
      this.refused += 1;
      this.recent.set(key, window);
      return Math.max(1, 1000 - (now - (window[0] as number)));
    }
    window.push(now);
    this.recent.set(key, window);
    return 0;
  }
}
