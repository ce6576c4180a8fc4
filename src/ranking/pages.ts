/**
 * Which upstream pages a leaderboard needs: the ranks it shows of its period and the ranks of the
 * previous period it compares them with, turned into KeyAPI page numbers. The one home of this rule:
 * the service fetches these pages and the price module counts them. Pure.
 */
import { MAX_PAGE_SIZE } from '../keyapi/client.js';

/** The deepest rank a leaderboard reaches (10 upstream pages); paging stops there. */
export const MAX_DEPTH = 100;

/** The ranks a query fetches: `current` of its period, `previous` of the one before (for movement). */
export function rankWindow(query: { limit: number; page: number }): {
  current: { from: number; to: number };
  previous: { from: number; to: number };
} {
  const from = (query.page - 1) * query.limit + 1;
  const to = Math.min(query.page * query.limit, MAX_DEPTH);
  return { current: { from, to }, previous: { from: 1, to } };
}

/** The page numbers (1-based, MAX_PAGE_SIZE rows each) that hold ranks `from` to `to`. */
export function pagesForRanks(from: number, to: number): number[] {
  const first = Math.floor((from - 1) / MAX_PAGE_SIZE) + 1;
  const last = Math.ceil(to / MAX_PAGE_SIZE);
  return Array.from({ length: Math.max(last - first + 1, 0) }, (_, i) => first + i);
}
