/**
 * Answers still being worked on when an adapter stops: shutdown waits for them (for a while), so a
 * user whose command was acknowledged still gets the answer instead of silence.
 */

export interface InFlight {
  /** Counts `work` until it settles; its failure is the caller's to handle. */
  track(work: Promise<unknown>): void;
  /** Resolves when every tracked answer has settled, or after `timeoutMs`. */
  settle(timeoutMs: number): Promise<void>;
}

export function createInFlight(): InFlight {
  const pending = new Set<Promise<unknown>>();
  return {
    track(work) {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      void settled.finally(() => pending.delete(settled));
    },
    async settle(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...pending]), late]);
      clearTimeout(timer);
    },
  };
}
