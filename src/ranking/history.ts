/**
 * History: every page of a finished period that toprank fetches, kept per (query, period) in Redis for
 * charts and exports, with one retention rule (the latest HISTORY_PERIODS periods of each query and
 * cadence). Leaderboards reach it through the page cache (`withHistory`), so nothing fetches it twice.
 * Imports the KeyAPI types and the key builders; never a chat library.
 */
import { createHash } from 'node:crypto';
import type { RankingPage, RankingRequest } from '../keyapi/client.js';
import { apiRowSchema } from '../keyapi/schema.js';
import { historyKey, historyPeriodsKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { type CacheGuard, execChecked, isDown, type PageCache } from './page-cache.js';

/** Stored pages of finished periods, by the request that fetched them. */
export interface HistoryStore {
  /** Keeps a page; empty pages are not history (an unpublished period may still come). */
  record(request: RankingRequest, page: RankingPage): Promise<void>;
  /** A stored page, validated; undefined when history does not hold it. */
  page(request: RankingRequest): Promise<RankingPage | undefined>;
  /** The period dates held for the query of `request` (its date and page ignored), oldest first. */
  dates(request: RankingRequest): Promise<string[]>;
  /** How many periods are kept per query and cadence (HISTORY_PERIODS). */
  readonly periods: number;
}

const dayMs = 86_400_000;
/** The longest period of each KeyAPI rank_type, in days: how long history of a query nobody asks for lives. */
const periodDays: Record<RankingRequest['rankType'], number> = { 1: 1, 2: 7, 3: 31 };

/** The query a page belongs to: every parameter but its period and page number. */
function queryIdOf(r: RankingRequest): string {
  const identity = [
    r.region,
    r.rankType,
    r.rankField,
    r.category ?? '',
    r.productCategoryId ?? '',
    r.pageSize,
  ];
  return createHash('sha1').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

/** History in Redis keeping the latest `periods` periods of each query and cadence (HISTORY_PERIODS). */
export function createRedisHistoryStore(redis: RedisClient, prefix: string, periods: number): HistoryStore {
  return {
    periods,
    async record(request, page) {
      if (page.rows.length === 0 || isDown(redis)) return;
      const id = queryIdOf(request);
      const index = historyPeriodsKey(prefix, id);
      const snapshot = historyKey(prefix, id, request.date);
      // A query still watched is written every period; one nobody asks for again fades after its retention.
      const ttl = Math.ceil(((periods + 2) * periodDays[request.rankType] * dayMs) / 1000);
      await execChecked(
        redis
          .multi()
          .hset(snapshot, String(request.pageNum), JSON.stringify(page.rows.map((row) => row.raw)))
          .expire(snapshot, ttl)
          .zadd(index, String(Date.parse(`${request.date}T00:00:00Z`) / dayMs), request.date)
          .expire(index, ttl),
      );
      const stale = await redis.zrange(index, '0', String(-(periods + 1)));
      if (stale.length > 0) {
        await execChecked(
          redis
            .multi()
            .del(...stale.map((date) => historyKey(prefix, id, date)))
            .zrem(index, ...stale),
        );
      }
    },
    async page(request) {
      if (isDown(redis)) return undefined;
      const raw = await redis.hget(
        historyKey(prefix, queryIdOf(request), request.date),
        String(request.pageNum),
      );
      if (raw === null) return undefined;
      const rows = (JSON.parse(raw) as unknown[]).map((item) => ({
        ...apiRowSchema.parse(item),
        raw: item as Record<string, unknown>,
      }));
      return { rows, requestId: undefined };
    },
    async dates(request) {
      return redis.zrange(historyPeriodsKey(prefix, queryIdOf(request)), '0', '-1');
    },
  };
}

/**
 * The page cache with history behind it: a page of a finished period is recorded when fetched and
 * read back from history once the cache has let it go, so history is what leaderboards fetch.
 */
export function withHistory(cache: PageCache, history: HistoryStore, guard: CacheGuard): PageCache {
  const getMany = async (requests: RankingRequest[]) => {
    const cached = await cache.getMany(requests);
    return Promise.all(
      cached.map(
        (page, i) =>
          page ?? guard.guarded('history', undefined, () => history.page(requests[i] as RankingRequest)),
      ),
    );
  };
  return {
    async get(request) {
      const [page] = await getMany([request]);
      return page;
    },
    getMany,
    async set(request, page, final) {
      await cache.set(request, page, final);
      if (final) await guard.guarded('history', undefined, () => history.record(request, page));
    },
    categories: (region) => cache.categories(region),
  };
}
