/**
 * The price of a query, the one place it is computed: the KeyAPI pages (1 credit each) one run of a
 * digest or of the daily alert check requests when nothing is cached, and what that makes a month.
 * Counted from the window the service fetches by (leaderboard-window.ts). Pure.
 */
import { leaderboardWindow } from './leaderboard-window.js';
import type { RankType } from './types.js';

/** What a priced query needs to know. */
export interface PricedQuery {
  limit: number;
  category?: string | undefined;
  productCategory?: string | undefined;
}

export interface QueryPrice {
  /** Credits of one run when nothing is cached. */
  perRun: number;
  runsPerMonth: number;
  /** ≈ credits a month. */
  monthly: number;
  /** "2 pages of this week and the week before, every Monday". */
  words: string;
}

/** Runs in a month: every day, every Monday (4 of them, as most months have), on the 1st. */
const runsPerMonth: Record<RankType, number> = { day: 30, week: 4, month: 1 };

const periodWords: Record<RankType, [string, string]> = {
  day: ['the day and the day before', 'every day'],
  week: ['this week and the week before', 'every Monday'],
  month: ['this month and the month before', 'on the 1st'],
};

/**
 * Pages of one run, nothing cached: the window's pages of the query's period and of the previous one;
 * a filtered query adds the unfiltered first page jobs probe to know the period is out (unfiltered,
 * that probe is the query's own first page).
 */
export function pagesPerRun(query: PricedQuery): number {
  const { pages } = leaderboardWindow({ limit: query.limit, page: 1 });
  const probe = query.category || query.productCategory ? 1 : 0;
  return 2 * pages + probe;
}

/** The price of following `query` at `cadence` (a digest's type; alerts check the daily ranking). */
export function priceOf(query: PricedQuery, cadence: RankType): QueryPrice {
  const perRun = pagesPerRun(query);
  const filtered = query.category || query.productCategory;
  const [periods, when] = periodWords[cadence];
  return {
    perRun,
    runsPerMonth: runsPerMonth[cadence],
    monthly: perRun * runsPerMonth[cadence],
    words: `${perRun} pages of ${periods}${filtered ? ', one of them to check it is out' : ''}, ${when}`,
  };
}

/** What watching creators on a leaderboard `depth` ranks deep costs (src/jobs/watch-check.ts). */
export interface WatchPrice {
  /** Pages (credits) of one check: depth ÷ 10. */
  perCheck: number;
  /** ≈ credits a month: one check per published period. */
  monthly: number;
  words: string;
}

/**
 * A watch check reads the new period's `depth ÷ 10` pages once, for every channel watching that
 * leaderboard; the period before is already cached from the check before (only a first check reads it
 * too, the same number of pages once more).
 */
export function watchPriceOf(depth: number, type: RankType): WatchPrice {
  const { pages } = leaderboardWindow({ limit: depth, page: 1 });
  const when = { day: 'each new day', week: 'each new week', month: 'each new month' }[type];
  return {
    perCheck: pages,
    monthly: pages * runsPerMonth[type],
    words: `${pages} ${pages === 1 ? 'page' : 'pages'} (credits) a check, once for ${when} (depth ${depth} ÷ 10), ≈ ${pages * runsPerMonth[type]} credits a month; the first check also reads the period before (${pages} more, once)`,
  };
}
