import { describe, expect, it } from 'vitest';
import {
  describePeriod,
  isComplete,
  isValidDate,
  latestCompletePeriod,
  parsePeriodKey,
  periodContaining,
  periodEnd,
  periodKey,
  previousPeriod,
} from '../../../src/ranking/period.js';

describe('periodContaining', () => {
  it('keeps any date as its own day', () => {
    expect(periodContaining('day', '2026-11-25')).toEqual({ type: 'day', date: '2026-11-25' });
  });

  it.each([
    ['2026-11-23', '2026-11-23'], // a Monday stays
    ['2026-11-25', '2026-11-23'], // Wednesday → its Monday
    ['2026-11-29', '2026-11-23'], // Sunday belongs to the week that started Monday
    ['2027-01-01', '2026-12-28'], // across the year boundary
    ['2024-03-03', '2024-02-26'], // across a leap February
  ])('snaps %s to the week of Monday %s', (date, monday) => {
    expect(periodContaining('week', date)).toEqual({ type: 'week', date: monday });
  });

  it('snaps a month to its 1st', () => {
    expect(periodContaining('month', '2024-02-29')).toEqual({ type: 'month', date: '2024-02-01' });
  });
});

describe('previousPeriod and periodEnd', () => {
  it('steps back a day across a year boundary', () => {
    expect(previousPeriod({ type: 'day', date: '2027-01-01' }).date).toBe('2026-12-31');
  });

  it('steps back a week to the previous Monday', () => {
    expect(previousPeriod({ type: 'week', date: '2027-01-04' }).date).toBe('2026-12-28');
  });

  it('steps back from March to February and ends February on the 29th in a leap year', () => {
    const february = previousPeriod({ type: 'month', date: '2024-03-01' });
    expect(february.date).toBe('2024-02-01');
    expect(periodEnd(february)).toBe('2024-02-29');
    expect(periodEnd({ type: 'month', date: '2026-02-01' })).toBe('2026-02-28');
  });

  it('steps back from January to December of the year before', () => {
    expect(previousPeriod({ type: 'month', date: '2027-01-01' }).date).toBe('2026-12-01');
  });
});

describe('latestCompletePeriod', () => {
  it('is yesterday, last week and last month on Wednesday 25 Nov 2026', () => {
    expect(latestCompletePeriod('day', '2026-11-25').date).toBe('2026-11-24');
    expect(latestCompletePeriod('week', '2026-11-25').date).toBe('2026-11-16');
    expect(latestCompletePeriod('month', '2026-11-25').date).toBe('2026-10-01');
  });

  it('counts a week as complete only after its Sunday', () => {
    expect(isComplete({ type: 'week', date: '2026-11-16' }, '2026-11-22')).toBe(false);
    expect(isComplete({ type: 'week', date: '2026-11-16' }, '2026-11-23')).toBe(true);
  });
});

describe('isValidDate', () => {
  it.each(['2026-13-40', '2026-02-29', '2026-11-31', '26-11-25', '2026/11/25', ''])('refuses %s', (date) => {
    expect(isValidDate(date)).toBe(false);
  });

  it('accepts 29 February in a leap year', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
  });
});

describe('describePeriod', () => {
  it('names days, weeks and months as people say them', () => {
    expect(describePeriod({ type: 'day', date: '2026-11-24' })).toBe('Tue 24 Nov 2026');
    expect(describePeriod({ type: 'week', date: '2026-11-23' })).toBe('week of Mon 23 Nov 2026');
    expect(describePeriod({ type: 'month', date: '2026-10-01' })).toBe('Oct 2026');
  });
});

describe('parsePeriodKey', () => {
  it('reads back every key periodKey writes, and nothing that is not a real period', () => {
    for (const period of [
      { type: 'day', date: '2026-11-24' },
      { type: 'week', date: '2026-11-23' },
      { type: 'month', date: '2026-11-01' },
    ] as const) {
      expect(parsePeriodKey(periodKey(period))).toEqual(period);
    }
    expect(parsePeriodKey('year-2026-01-01')).toBeUndefined();
    expect(parsePeriodKey('day-2026-13-40')).toBeUndefined();
    expect(parsePeriodKey('day2026-11-24')).toBeUndefined();
  });
});
