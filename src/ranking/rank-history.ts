/**
 * A leaderboard's recent past: the first page of each of its last periods, read from history (through
 * the page cache, so whatever costs nothing is used first) and, only when asked, fetched where missing
 * (one page, one credit, each at most once: the fetch lands in history). Never a chat library.
 */
import { MAX_PAGE_SIZE } from '../keyapi/client.js';
import type { LeaderboardService } from './leaderboard-service.js';
import { toCreator, toRequest } from './leaderboard-service.js';
import type { PageCache } from './page-cache.js';
import { shiftPeriod } from './period.js';
import type { Creator, LeaderboardQuery, Period } from './types.js';

/** How many periods a chart looks back over, the shown one included. */
export const CHART_PERIODS = 8;

/** One period's ranking as history holds it; `rows` undefined when nothing is known (not published). */
export interface PeriodRanking {
  period: Period;
  rows: { rank: number; creator: Creator }[] | undefined;
}

export interface RankHistory {
  /** Oldest first, ending with the period asked for. */
  periods: PeriodRanking[];
  /** Pages fetched from KeyAPI to fill it: the credits it cost. */
  fetched: number;
  /** Fetches that failed (KeyAPI down, budget spent): those periods are gaps. */
  failed: number;
}

export interface RankHistorySource {
  /** How many of the periods are in neither cache nor history: what `load` with `fetchMissing` costs. */
  missing(query: LeaderboardQuery, period: Period, count?: number): Promise<number>;
  /**
   * The last `count` periods up to `period`, ranks 1 to `depth` (default 10, one page). Without
   * `fetchMissing` it never spends a credit; with it, a period whose first page is missing costs that page.
   */
  load(
    query: LeaderboardQuery,
    period: Period,
    options: { fetchMissing: boolean; count?: number; depth?: number },
  ): Promise<RankHistory>;
}

/** What rank history reads through and fetches with. */
export interface RankHistoryDeps {
  /** The history-backed page cache (history.ts `withHistory`). */
  pages: PageCache;
  leaderboards: LeaderboardService;
}

/** Rank history over the history-backed page cache; fetches go through the leaderboard service. */
export function createRankHistory(deps: RankHistoryDeps): RankHistorySource {
  const { pages, leaderboards } = deps;
  const periodsUpTo = (period: Period, count: number) =>
    Array.from({ length: count }, (_, i) => shiftPeriod(period, i - count + 1));
  // Redis down: nothing is known, and the chart shows gaps rather than failing.
  const lookup = (query: LeaderboardQuery, period: Period, pageNum = 1) =>
    pages.get(toRequest(query, period, pageNum)).catch(() => undefined);

  /** Pages 2.. of a period as far as history has them in a row (never fetched). */
  async function laterPages(query: LeaderboardQuery, period: Period, count: number) {
    const found = [];
    for (let n = 2; n <= count + 1; n++) {
      const page = await lookup(query, period, n);
      if (!page) break;
      found.push(page);
      if (page.rows.length < MAX_PAGE_SIZE) break;
    }
    return found;
  }

  return {
    async missing(query, period, count = CHART_PERIODS) {
      const found = await Promise.all(periodsUpTo(period, count).map((p) => lookup(query, p)));
      return found.filter((page) => page === undefined).length;
    },
    async load(query, period, options) {
      let fetched = 0;
      let failed = 0;
      const periods = await Promise.all(
        periodsUpTo(period, options.count ?? CHART_PERIODS).map(async (p): Promise<PeriodRanking> => {
          let page = await lookup(query, p);
          if (!page && options.fetchMissing) {
            // isPublished fetches exactly page 1 through the cache, which records it in history.
            try {
              await leaderboards.isPublished(query, p);
              fetched += 1;
              page = await lookup(query, p);
            } catch {
              failed += 1; // a chart with a gap beats no chart; the caller says so
            }
          }
          const more = Math.ceil((options.depth ?? MAX_PAGE_SIZE) / MAX_PAGE_SIZE) - 1;
          const later = page?.rows.length === MAX_PAGE_SIZE ? await laterPages(query, p, more) : [];
          const rows = [page, ...later]
            .flatMap((pg) => pg?.rows ?? [])
            .map((row, index) => ({ rank: index + 1, creator: toCreator(row) }))
            .slice(0, options.depth ?? MAX_PAGE_SIZE);
          return { period: p, rows: rows.length > 0 ? rows : undefined };
        }),
      );
      return { periods, fetched, failed };
    },
  };
}
