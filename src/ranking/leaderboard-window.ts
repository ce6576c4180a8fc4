/**
 * The leaderboard window, decided here only: the ranks a query shows, how deep both periods are
 * fetched, and so how deep movement is compared. The service, the views, the digests and the alerts
 * all read it, so "▲5" in a digest and the alert about the same day can never disagree.
 */
import { MAX_PAGE_SIZE } from '../keyapi/client.js';
import type { LeaderboardQuery } from './types.js';

/** The deepest rank a leaderboard reaches (10 upstream pages); paging stops there. */
export const MAX_DEPTH = 100;

/** Which ranks of a ranking a query reads. */
export interface LeaderboardWindow {
  /** The first rank shown. */
  from: number;
  /** The last rank shown (when the list is that long). */
  to: number;
  /** Upstream pages read of each period, from page 1: a short page ends the list before them. */
  pages: number;
  /**
   * Ranks 1 to `depth` of both periods are read, and a creator's movement is measured against the
   * previous period's ranks 1 to `depth`: whole pages, since a page costs one credit however much of
   * it is shown. A creator outside them is new (🆕).
   */
  depth: number;
}

/** The window of a query: page `page` of `limit` ranks, no deeper than MAX_DEPTH. */
export function leaderboardWindow(query: Pick<LeaderboardQuery, 'page' | 'limit'>): LeaderboardWindow {
  const from = (query.page - 1) * query.limit + 1;
  const to = Math.min(query.page * query.limit, MAX_DEPTH);
  const pages = Math.ceil(to / MAX_PAGE_SIZE);
  return { from, to, pages, depth: pages * MAX_PAGE_SIZE };
}
