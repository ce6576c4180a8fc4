/**
 * Leaderboards: resolves the period (snapping a date, falling back past unpublished periods), reads
 * both periods page by page to the window's depth (src/ranking/leaderboard-window.ts) through the
 * cache and single-flight, and adds movement against the previous period. Imports the KeyAPI client;
 * never a chat library.
 */
import type { Logger } from 'pino';
import { cleanText } from '../clean-text.js';
import { ToprankError } from '../errors.js';
import { type KeyApiClient, MAX_PAGE_SIZE, type RankingPage, type RankingRequest } from '../keyapi/client.js';
import type { ApiRow } from '../keyapi/schema.js';
import { leaderboardWindow, MAX_DEPTH } from './leaderboard-window.js';
import { movementOf, type RankIndex } from './movement.js';
import type { PageCache } from './page-cache.js';
import {
  describePeriod,
  isComplete,
  latestCompletePeriod,
  periodContaining,
  periodKey,
  previousPeriod,
  toDateString,
} from './period.js';
import { parseProductCategories } from './product-categories.js';
import { assertAskable } from './query-guard.js';
import { builtInRegions, type Regions } from './regions.js';
import { createSingleFlight } from './single-flight.js';
import type { Creator, Leaderboard, LeaderboardQuery, Period, RankedCreator } from './types.js';

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

/** Reads page `pageNum` of a period's ranking for one query. */
type PageReader = (period: Period, pageNum: number) => Promise<RankingPage>;

/** Cache lookups under way, by readKey. */
type LookAhead = Map<string, Promise<RankingPage | undefined>>;

/** A page of a period, as a reader and its look-ahead know it. */
function readKey(period: Period, pageNum: number): string {
  return `${periodKey(period)}:${pageNum}`;
}

/** A period's ranking as far as it was read: rows in rank order, each creator once. */
interface RankList {
  rows: ApiRow[];
  /** A short page came back: the ranking has no rows after `rows`. */
  ended: boolean;
}

export function createLeaderboardService(deps: LeaderboardServiceDeps): LeaderboardService {
  const { client, cache, log, onCacheLookup } = deps;
  const now = deps.now ?? (() => new Date());
  const flights = createSingleFlight<RankingPage>();
  const today = () => toDateString(now());

  /** `lookedUp`: the cache lookup of this page already under way (see lookAhead). */
  function fetchPage(
    request: RankingRequest,
    period: Period,
    lookedUp?: Promise<RankingPage | undefined>,
  ): Promise<RankingPage> {
    return flights.run(JSON.stringify(request), async () => {
      // The cache never throws: without Redis a leaderboard still works, uncached.
      const cached = await (lookedUp ?? cache.get(request));
      onCacheLookup?.(cached !== undefined);
      if (cached) return cached;
      const page = await client.fetchPage(request);
      await cache.set(request, page, isComplete(period, today()));
      return page;
    });
  }

  /**
   * A reader for one request, asking for each page once: page 1 is both the publication check and
   * the top of the list, and without Redis nothing else would remember it between the two.
   */
  function readerFor(query: LeaderboardQuery, ahead?: LookAhead): PageReader {
    const pages = new Map<string, Promise<RankingPage>>();
    return (period, pageNum) => {
      const key = readKey(period, pageNum);
      let page = pages.get(key);
      if (!page) {
        page = fetchPage(toRequest(query, period, pageNum), period, ahead?.get(key));
        pages.set(key, page);
      }
      return page;
    };
  }

  /**
   * The cache lookups of every page a query will most likely read (both periods to the window's
   * depth), in one MGET: a warm leaderboard is one Redis command instead of one per page. Only the
   * cache is asked; a page is still fetched (paid for) only when the reader gets to it.
   */
  function lookAhead(query: LeaderboardQuery, periods: Period[], pages: number): LookAhead {
    const keys: string[] = [];
    const requests: RankingRequest[] = [];
    for (const period of periods) {
      for (let pageNum = 1; pageNum <= pages; pageNum++) {
        keys.push(readKey(period, pageNum));
        requests.push(toRequest(query, period, pageNum));
      }
    }
    const cached = cache.getMany(requests);
    return new Map(keys.map((key, i) => [key, cached.then((found) => found[i])]));
  }

  /**
   * Pages 1 to `pages` of a period, one after the other: a short page ends the list, so no page
   * after it is paid for.
   */
  async function readList(read: PageReader, period: Period, pages: number): Promise<RankList> {
    const got: RankingPage[] = [];
    for (let pageNum = 1; pageNum <= pages; pageNum++) {
      const page = await read(period, pageNum);
      got.push(page);
      if (page.rows.length < MAX_PAGE_SIZE) break;
    }
    return listOf(got);
  }

  async function published(read: PageReader, period: Period): Promise<boolean> {
    return (await read(period, 1)).rows.length > 0;
  }

  /** Without a date: the latest finished period, or an earlier one while that is not published yet. */
  async function resolveLatest(
    query: LeaderboardQuery,
    read: PageReader,
  ): Promise<{ period: Period; fellBackFrom?: Period }> {
    const expected = latestCompletePeriod(query.type, today());
    let period = expected;
    for (let step = 0; step <= MAX_FALLBACK; step++) {
      if (await published(read, period)) return step === 0 ? { period } : { period, fellBackFrom: expected };
      period = previousPeriod(period);
    }
    // A filter that matches nobody also gives empty pages: show that period, empty, rather than an error.
    if (hasFilters(query)) return { period: expected };
    throw new ToprankError('not_published', { period: describePeriod(expected) });
  }

  return {
    isPublished: (query, period) => published(readerFor(query), period),
    async get(query) {
      assertAskable(query, today(), deps.regions ?? builtInRegions);
      const window = leaderboardWindow(query);
      const expected = query.date
        ? periodContaining(query.type, query.date)
        : latestCompletePeriod(query.type, today());
      const read = readerFor(query, lookAhead(query, [expected, previousPeriod(expected)], window.pages));
      let period: Period;
      let fellBackFrom: Period | undefined;
      let snapped = false;
      if (query.date) {
        period = periodContaining(query.type, query.date);
        snapped = period.date !== query.date;
        // Without filters a published ranking is never empty, so an empty one is not out yet.
        if (!hasFilters(query) && !(await published(read, period))) {
          throw new ToprankError('not_published', { period: describePeriod(period) });
        }
      } else {
        ({ period, fellBackFrom } = await resolveLatest(query, read));
      }

      const previous = previousPeriod(period);
      const [current, before] = await Promise.all([
        readList(read, period, window.pages),
        readList(read, previous, window.pages),
      ]);
      const rows = rankRows(current, before, window);
      const compared = before.rows.length;
      log.debug({ period, rows: rows.length, compared }, 'leaderboard resolved');
      return {
        query,
        period,
        previous,
        snapped,
        fellBackFrom,
        rows,
        compared,
        hasMore: window.to < MAX_DEPTH && (current.rows.length > window.to || !current.ended),
      };
    },
  };
}

function hasFilters(query: LeaderboardQuery): boolean {
  return Boolean(query.category || query.productCategory);
}

/** The KeyAPI request for one page of a query in a period (history keys on it too). */
export function toRequest(query: LeaderboardQuery, period: Period, pageNum: number): RankingRequest {
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

/**
 * Lists already made, by their first page. A warm read gives the same page objects again (the page
 * cache knows a page by its stamp), and so the same list: a warm /toprank builds none of its rows.
 */
const lists = new WeakMap<RankingPage, { pages: RankingPage[]; list: RankList }>();

/**
 * A period's rows from its pages in order, the short one (if any) last. A creator already listed (the
 * ranking moved between two pages' requests) is listed once, at the first place seen.
 */
function listOf(pages: RankingPage[]): RankList {
  const [first] = pages;
  const known = first && lists.get(first);
  if (known && known.pages.length === pages.length && known.pages.every((page, i) => page === pages[i]))
    return known.list;
  const rows: ApiRow[] = [];
  const seen = new Set<string>();
  for (const page of pages) {
    for (const row of page.rows) {
      if (seen.has(row.user_id)) continue;
      seen.add(row.user_id);
      rows.push(row);
    }
  }
  const list = { rows, ended: (pages.at(-1)?.rows.length ?? 0) < MAX_PAGE_SIZE };
  if (first) lists.set(first, { pages, list });
  return list;
}

/** Rows already ranked, by the list they come from: the same lists rank into the same row objects. */
const ranked = new WeakMap<RankList, { before: RankList; from: number; to: number; rows: RankedCreator[] }>();

/** The window's rows of `current`, each with its movement against `before`. Callers never change them. */
function rankRows(
  current: RankList,
  before: RankList,
  window: { from: number; to: number },
): RankedCreator[] {
  const known = ranked.get(current);
  if (known && known.before === before && known.from === window.from && known.to === window.to)
    return known.rows;
  const previousRanks: RankIndex = new Map(before.rows.map((row, i) => [row.user_id, i + 1]));
  const compared = before.rows.length;
  const rows = current.rows.slice(window.from - 1, window.to).map((row, i) => {
    const rank = window.from + i;
    return {
      rank,
      creator: toCreator(row),
      movement: compared > 0 ? movementOf(row.user_id, rank, previousRanks) : undefined,
    };
  });
  ranked.set(current, { before, from: window.from, to: window.to, rows });
  return rows;
}

/** Creators already made from a row: a cached page gives the same row objects on every warm read. */
const creators = new WeakMap<ApiRow, Creator>();

/** Where KeyAPI text enters the domain: every string a platform may show is cleaned here (history
 * reads rows back through it too). Callers never change a creator. */
export function toCreator(row: ApiRow): Creator {
  let creator = creators.get(row);
  if (!creator) {
    creator = makeCreator(row);
    creators.set(row, creator);
  }
  return creator;
}

function makeCreator(row: ApiRow): Creator {
  const handle = cleanText(row.unique_id);
  return {
    userId: row.user_id,
    handle,
    nickname: cleanText(row.nick_name) || handle || row.user_id,
    avatar: row.avatar ?? undefined,
    category: cleanText(row.category) || undefined,
    followers: row.total_followers_cnt,
    followersTotal: row.total_followers_history_cnt,
    sales: row.total_sale_cnt,
    gmv: row.total_sale_gmv_amt,
    productCategories: parseProductCategories(row.product_category_list),
    raw: row.raw,
  };
}
