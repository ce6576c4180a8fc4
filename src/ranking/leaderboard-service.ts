/**
 * Leaderboards: resolves the period (snapping a date, falling back past unpublished periods), fetches
 * the pages a view needs in parallel through the cache and single-flight, and adds movement against
 * the previous period. Imports the KeyAPI client; never a chat library.
 */
import type { Logger } from 'pino';
import { ToprankError } from '../errors.js';
import { type KeyApiClient, MAX_PAGE_SIZE, type RankingPage, type RankingRequest } from '../keyapi/client.js';
import type { ApiRow } from '../keyapi/schema.js';
import { movementOf, type RankIndex } from './movement.js';
import type { PageCache } from './page-cache.js';
import { MAX_DEPTH, pagesForRanks, rankWindow } from './pages.js';
import {
  describePeriod,
  isComplete,
  latestCompletePeriod,
  periodContaining,
  previousPeriod,
  toDateString,
} from './period.js';
import { parseProductCategories } from './product-categories.js';
import { assertAskable } from './query-guard.js';
import { builtInRegions, type Regions } from './regions.js';
import { createSingleFlight } from './single-flight.js';
import type { Creator, Leaderboard, LeaderboardQuery, Period, RankedCreator } from './types.js';

export { MAX_DEPTH } from './pages.js';
/** How many periods to step back past unpublished ones before giving up. */
export const MAX_FALLBACK = 3;

export interface LeaderboardService {
  /** The leaderboard for a query, with movement; throws ToprankError (not_published, keyapi_*). */
  get(query: LeaderboardQuery): Promise<Leaderboard>;
  /** Whether KeyAPI has published `period` for the query, at the cost of at most one page. */
  isPublished(query: LeaderboardQuery, period: Period): Promise<boolean>;
}

export interface LeaderboardServiceDeps {
  client: KeyApiClient;
  cache: PageCache;
  log: Logger;
  now?: () => Date;
  /** Sees each page lookup, for metrics. */
  onCacheLookup?: (hit: boolean) => void;
  /** The regions asked about (default: the built-in markets); any other is refused before a request. */
  regions?: Regions;
}

export function createLeaderboardService(deps: LeaderboardServiceDeps): LeaderboardService {
  const { client, cache, log, onCacheLookup } = deps;
  const now = deps.now ?? (() => new Date());
  const flights = createSingleFlight<RankingPage>();
  const today = () => toDateString(now());

  function fetchPage(query: LeaderboardQuery, period: Period, pageNum: number): Promise<RankingPage> {
    const request = toRequest(query, period, pageNum);
    return flights.run(JSON.stringify(request), async () => {
      // Without its cache (Redis down) a leaderboard still works, uncached; the outage is logged by the connection.
      const cached = await cache.get(request).catch(() => undefined);
      onCacheLookup?.(cached !== undefined);
      if (cached) return cached;
      const page = await client.fetchPage(request);
      await cache.set(request, page, isComplete(period, today())).catch(() => {});
      return page;
    });
  }

  async function fetchRanks(query: LeaderboardQuery, period: Period, from: number, to: number) {
    const pageNums = pagesForRanks(from, to);
    const pages = await Promise.all(pageNums.map((n) => fetchPage(query, period, n)));
    return pages.flatMap((page, i) =>
      page.rows.map((row, index) => ({ rank: ((pageNums[i] ?? 1) - 1) * MAX_PAGE_SIZE + index + 1, row })),
    );
  }

  async function isPublished(query: LeaderboardQuery, period: Period): Promise<boolean> {
    return (await fetchPage(query, period, 1)).rows.length > 0;
  }

  /** Without a date: the latest finished period, or an earlier one while that is not published yet. */
  async function resolveLatest(query: LeaderboardQuery): Promise<{ period: Period; fellBackFrom?: Period }> {
    const expected = latestCompletePeriod(query.type, today());
    let period = expected;
    for (let step = 0; step <= MAX_FALLBACK; step++) {
      if (await isPublished(query, period))
        return step === 0 ? { period } : { period, fellBackFrom: expected };
      period = previousPeriod(period);
    }
    // A filter that matches nobody also gives empty pages: show that period, empty, rather than an error.
    if (hasFilters(query)) return { period: expected };
    throw new ToprankError('not_published', { period: describePeriod(expected) });
  }

  return {
    isPublished,
    async get(query) {
      assertAskable(query, today(), deps.regions ?? builtInRegions);
      let period: Period;
      let fellBackFrom: Period | undefined;
      let snapped = false;
      if (query.date) {
        period = periodContaining(query.type, query.date);
        snapped = period.date !== query.date;
        // Without filters a published ranking is never empty, so an empty one is not out yet.
        if (!hasFilters(query) && !(await isPublished(query, period))) {
          throw new ToprankError('not_published', { period: describePeriod(period) });
        }
      } else {
        ({ period, fellBackFrom } = await resolveLatest(query));
      }

      const window = rankWindow(query);
      const { from, to } = window.current;
      const previous = previousPeriod(period);
      const [current, before] = await Promise.all([
        fetchRanks(query, period, from, to),
        fetchRanks(query, previous, window.previous.from, window.previous.to),
      ]);
      const previousRanks: RankIndex = new Map(before.map((e) => [e.row.user_id, e.rank]));
      const rows: RankedCreator[] = current
        .filter((e) => e.rank >= from && e.rank <= to)
        .map((e) => ({
          rank: e.rank,
          creator: toCreator(e.row),
          movement: before.length > 0 ? movementOf(e.row.user_id, e.rank, previousRanks) : undefined,
        }));
      log.debug({ period, rows: rows.length }, 'leaderboard resolved');
      return {
        query,
        period,
        previous,
        snapped,
        fellBackFrom,
        rows,
        hasMore: rows.length === to - from + 1 && to < MAX_DEPTH,
      };
    },
  };
}

function hasFilters(query: LeaderboardQuery): boolean {
  return Boolean(query.category || query.productCategory);
}

function toRequest(query: LeaderboardQuery, period: Period, pageNum: number): RankingRequest {
  return {
    date: period.date,
    region: query.region,
    rankType: period.type === 'day' ? 1 : period.type === 'week' ? 2 : 3,
    rankField: query.by === 'followers' ? 1 : 2,
    category: query.category,
    productCategoryId: query.productCategory,
    pageNum,
    pageSize: MAX_PAGE_SIZE,
  };
}

function toCreator(row: ApiRow): Creator {
  return {
    userId: row.user_id,
    handle: row.unique_id ?? '',
    nickname: row.nick_name ?? row.unique_id ?? row.user_id,
    avatar: row.avatar ?? undefined,
    category: row.category ?? undefined,
    followers: row.total_followers_cnt,
    followersTotal: row.total_followers_history_cnt,
    sales: row.total_sale_cnt,
    gmv: row.total_sale_gmv_amt,
    productCategories: parseProductCategories(row.product_category_list),
    raw: row.raw,
  };
}
