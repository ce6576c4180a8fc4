/**
 * Ranking periods as KeyAPI dates them: a day is any date, a week starts on Monday, a month on the 1st.
 * Dates are plain YYYY-MM-DD strings computed in UTC, so no local time zone can shift them.
 */
import { type Period, type RankType, rankTypes } from './types.js';

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (2026-02-29 is not one). */
export function isValidDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function toUtc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** The YYYY-MM-DD of a moment, in UTC. */
export function toDateString(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

/** Adds whole days to a date. */
export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return toDateString(d);
}

/** The period of `type` that contains `date`. */
export function periodContaining(type: RankType, date: string): Period {
  const d = toUtc(date);
  if (type === 'week') {
    const sinceMonday = (d.getUTCDay() + 6) % 7;
    return { type, date: addDays(date, -sinceMonday) };
  }
  if (type === 'month') return { type, date: `${date.slice(0, 7)}-01` };
  return { type, date };
}

/** The period just before `period`. */
export function previousPeriod(period: Period): Period {
  return shiftPeriod(period, -1);
}

/** The period `count` periods after (or, negative, before) `period`. */
export function shiftPeriod(period: Period, count: number): Period {
  if (period.type === 'day') return { type: 'day', date: addDays(period.date, count) };
  if (period.type === 'week') return { type: 'week', date: addDays(period.date, 7 * count) };
  const d = toUtc(period.date);
  d.setUTCMonth(d.getUTCMonth() + count);
  return { type: 'month', date: toDateString(d) };
}

/** The last day of a period. */
export function periodEnd(period: Period): string {
  return addDays(shiftPeriod(period, 1).date, -1);
}

/** The latest period that has ended by `today`: the earliest one KeyAPI can have published. */
export function latestCompletePeriod(type: RankType, today: string): Period {
  return previousPeriod(periodContaining(type, today));
}

/** True when the period is over by `today` (its ranking can be published and no longer changes). */
export function isComplete(period: Period, today: string): boolean {
  return periodEnd(period) < today;
}

/** A stable key for a period, e.g. `week-2026-11-23`. */
export function periodKey(period: Period): string {
  return `${period.type}-${period.date}`;
}

/** The period a {@link periodKey} names; undefined for anything else. */
export function parsePeriodKey(key: string): Period | undefined {
  const at = key.indexOf('-');
  const type = key.slice(0, at) as RankType;
  const date = key.slice(at + 1);
  return at > 0 && rankTypes.includes(type) && isValidDate(date) ? { type, date } : undefined;
}

/** Short English month names, January first. */
export const monthNames = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
/** Short English weekday names, Sunday first (as `getUTCDay` counts and Intl's en-US `short` spells them). */
export const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A period in words: "Tue 24 Nov 2026", "week of Mon 23 Nov 2026", "Nov 2026". */
export function describePeriod(period: Period): string {
  const d = toUtc(period.date);
  const day = `${dayNames[d.getUTCDay()]} ${d.getUTCDate()} ${monthNames[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  if (period.type === 'week') return `week of ${day}`;
  if (period.type === 'month') return `${monthNames[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return day;
}
