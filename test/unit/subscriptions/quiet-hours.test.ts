/**
 * Quiet hours: the window as typed (`22:00-08:00`, `off`), and when a window around a moment ends, in
 * its own time zone, over midnight or within one day.
 */
import { describe, expect, it } from 'vitest';
import { parseQuietWindow, quietEnd } from '../../../src/subscriptions/quiet-hours.js';

describe('quiet hours', () => {
  it('reads a window as typed, or off', () => {
    expect(parseQuietWindow('22:00-08:00')).toEqual({ from: '22:00', to: '08:00' });
    expect(parseQuietWindow('9:30-12:00')).toEqual({ from: '09:30', to: '12:00' });
    expect(parseQuietWindow('off')).toBeNull();
    expect(parseQuietWindow('22:00')).toBeUndefined();
    expect(parseQuietWindow('25:00-08:00')).toBeUndefined();
    expect(parseQuietWindow('08:00-08:00')).toBeUndefined();
  });

  it('ends a window over midnight the next morning, in its own zone', () => {
    const quiet = { from: '22:00', to: '08:00', timezone: 'Europe/Paris' };
    // 23:30 in Paris (22:30 UTC) ends at 08:00 Paris the next day, 07:00 UTC in winter.
    expect(quietEnd(quiet, new Date('2026-11-23T22:30:00Z'))?.toISOString()).toBe('2026-11-24T07:00:00.000Z');
    // 06:00 in Paris ends the same morning.
    expect(quietEnd(quiet, new Date('2026-11-24T05:00:00Z'))?.toISOString()).toBe('2026-11-24T07:00:00.000Z');
    // Midday is outside.
    expect(quietEnd(quiet, new Date('2026-11-24T11:00:00Z'))).toBeUndefined();
  });

  it('ends a window within one day the same day', () => {
    const quiet = { from: '12:00', to: '14:00', timezone: 'UTC' };
    expect(quietEnd(quiet, new Date('2026-11-24T13:00:00Z'))?.toISOString()).toBe('2026-11-24T14:00:00.000Z');
    expect(quietEnd(quiet, new Date('2026-11-24T14:00:00Z'))).toBeUndefined();
  });
});
