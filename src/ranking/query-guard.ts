/**
 * What can exist before anything is paid for: a known region, a date that is not in the future, and
 * a period that has ended (KeyAPI publishes a ranking only after its period). Checked before the first
 * upstream request of a leaderboard, each refusal with its own sentence. Pure.
 */
import { ToprankError } from '../errors.js';
import { addDays, describePeriod, isComplete, periodContaining, periodEnd } from './period.js';
import type { Regions } from './regions.js';
import type { LeaderboardQuery } from './types.js';

/** Throws unknown_region, future_date or period_not_over; returns when the query can have a ranking. */
export function assertAskable(query: LeaderboardQuery, today: string, regions: Regions): void {
  regions.check(query.region);
  if (!query.date) return;
  if (query.date > today) {
    throw new ToprankError('future_date', { value: query.date, allowed: addDays(today, -1) });
  }
  const period = periodContaining(query.type, query.date);
  if (!isComplete(period, today)) {
    throw new ToprankError('period_not_over', { period: describePeriod(period), value: periodEnd(period) });
  }
}
