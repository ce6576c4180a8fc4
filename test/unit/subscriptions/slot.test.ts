/**
 * Slot maths without I/O: ids, fire times in a zone (DST included, gaps and repeats too), the previous
 * fire time that catch-up looks for, one spelling per zone, and the words /toprank-subscriptions shows.
 */
import { describe, expect, it } from 'vitest';
import {
  describeInstant,
  describeSlot,
  nextFireTime,
  parseSlotId,
  previousFireTime,
  slotId,
  zonedInstant,
} from '../../../src/subscriptions/slot.js';
import { canonicalTimeZone } from '../../../src/time-zone.js';

describe('slot', () => {
  it('round-trips an id with no colon in it', () => {
    const slot = { cadence: 'week' as const, time: '09:00', timezone: 'America/New_York' };
    expect(slotId(slot)).toBe('week-0900-America/New_York');
    expect(parseSlotId(slotId(slot))).toEqual(slot);
    expect(() => parseSlotId('week-9am-UTC')).toThrow('not a slot id');
  });

  it('turns a wall-clock time into the right instant on both sides of a DST change', () => {
    expect(zonedInstant('2026-10-26', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-10-26T13:00:00.000Z',
    );
    expect(zonedInstant('2026-11-02', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-11-02T14:00:00.000Z',
    );
    expect(zonedInstant('2026-07-01', '23:30', 'Asia/Kolkata').toISOString()).toBe(
      '2026-07-01T18:00:00.000Z',
    );
  });

  it('moves a time skipped by the clocks going forward to after the gap, as cron does', () => {
    // New York skips 02:00–03:00 on 8 March 2026: 02:30 happens at 03:30 EDT.
    expect(zonedInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(zonedInstant('2026-03-29', '02:30', 'Europe/Paris').toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    const daily = parseSlotId('day-0230-America/New_York');
    expect(nextFireTime(daily, new Date('2026-03-08T05:00:00Z')).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('takes the first of a time that happens twice when the clocks go back', () => {
    // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST) on 1 November 2026.
    expect(zonedInstant('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('spells each zone one way, so utc and UTC make one slot', () => {
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone(' america/new_york ')).toBe('America/New_York');
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    for (const bad of ['', 'Mars/Olympus', '+01:00', 'UTC:1']) expect(canonicalTimeZone(bad)).toBeUndefined();
    const id = (timezone: string) => slotId({ cadence: 'week', time: '09:00', timezone });
    expect(id(canonicalTimeZone('utc') ?? '')).toBe(id(canonicalTimeZone('UTC') ?? ''));
  });

  it('finds the previous fire time for catch-up, including the one that just fell', () => {
    const weekly = parseSlotId('week-0900-UTC');
    expect(previousFireTime(weekly, new Date('2026-11-23T10:30:00Z')).toISOString()).toBe(
      '2026-11-23T09:00:00.000Z',
    );
    expect(previousFireTime(weekly, new Date('2026-11-23T08:59:00Z')).toISOString()).toBe(
      '2026-11-16T09:00:00.000Z',
    );
    const monthly = parseSlotId('month-0600-Europe/Paris');
    expect(previousFireTime(monthly, new Date('2026-11-25T00:00:00Z')).toISOString()).toBe(
      '2026-11-01T05:00:00.000Z',
    );
    expect(nextFireTime(monthly, new Date('2026-11-01T05:00:00Z')).toISOString()).toBe(
      '2026-12-01T05:00:00.000Z',
    );
  });

  it('describes the schedule and an instant in the subscription’s own zone', () => {
    expect(describeSlot(parseSlotId('month-0830-Europe/Paris'))).toBe(
      'monthly on the 1st at 08:30 Europe/Paris',
    );
    expect(describeSlot(parseSlotId('day-0700-UTC'))).toBe('daily at 07:00 UTC');
    expect(describeInstant(new Date('2026-11-30T14:00:00Z'), 'America/New_York')).toBe(
      'Mon 30 Nov 2026, 09:00 (America/New_York)',
    );
  });
});
