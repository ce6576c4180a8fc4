import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPacer } from '../../../src/keyapi/pacing.js';

describe('createPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets concurrent callers through one slot at a time at the configured rate', async () => {
    const pacer = createPacer(5); // one slot every 200 ms
    const released: number[] = [];
    for (let i = 0; i < 3; i++) void pacer.wait().then(() => released.push(i));

    await vi.advanceTimersByTimeAsync(0);
    expect(released).toEqual([0]);
    await vi.advanceTimersByTimeAsync(199);
    expect(released).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(200);
    expect(released).toEqual([0, 1, 2]);
  });

  it('does not delay a caller after a quiet period', async () => {
    const pacer = createPacer(5);
    await pacer.wait();
    await vi.advanceTimersByTimeAsync(1_000);
    let released = false;
    void pacer.wait().then(() => {
      released = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toBe(true);
  });
});
