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
    const window = this.recent.get(key) ?? [];
    this.recent.set(key, window);
    // Times are taken in order: the ones out of the window are at its start.
    let expired = 0;
    while (expired < window.length && now - (window[expired] as number) >= 1000) expired += 1;
    window.splice(0, expired);
    if (window.length >= this.perSecond) {
      this.refused += 1;
      return Math.max(1, 1000 - (now - (window[0] as number)));
    }
    window.push(now);
    return 0;
  }
}
