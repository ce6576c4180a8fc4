/**
 * Redis cache of KeyAPI pages, one key per request. A finished period never changes, so it is kept
 * long; a page that is empty (not published yet) or of a running period is kept briefly.
 */

import type { RankingPage, RankingRequest } from '../keyapi/client.js';
import type { RedisClient } from '../redis-connection.js';

export interface PageCache {
  get(request: RankingRequest): Promise<RankingPage | undefined>;
  set(request: RankingRequest, page: RankingPage, final: boolean): Promise<void>;
  /** Creator categories seen so far in a region's pages, for autocomplete without a paid call. */
  categories(region: string): Promise<string[]>;
}

const FINAL_PAGE_TTL_SECONDS = 14 * 24 * 3600;
const FRESH_PAGE_TTL_SECONDS = 10 * 60;
const EMPTY_PAGE_TTL_SECONDS = 5 * 60;

/** The cache key of a request; every parameter that changes the answer is part of it. */
function pageKey(prefix: string, r: RankingRequest): string {
  const filters = [r.category ?? '', r.productCategoryId ?? ''].map(encodeURIComponent).join(':');
  return `${prefix}:page:${r.region}:${r.rankType}:${r.rankField}:${r.date}:${r.pageSize}:${r.pageNum}:${filters}`;
}

/** Lost its connection (a fresh one that is still connecting is not down). */
function isDown(redis: RedisClient): boolean {
  return ['reconnecting', 'close', 'end'].includes(redis.status);
}

export function createRedisPageCache(redis: RedisClient, prefix: string): PageCache {
  return {
    async get(request) {
      // While Redis is down, skip the cache at once rather than wait for a reconnect to fail.
      if (isDown(redis)) return undefined;
      const cached = await redis.get(pageKey(prefix, request));
      return cached === null ? undefined : (JSON.parse(cached) as RankingPage);
    },
    async set(request, page, final) {
      if (isDown(redis)) return;
      const ttl =
        page.rows.length === 0
          ? EMPTY_PAGE_TTL_SECONDS
          : final
            ? FINAL_PAGE_TTL_SECONDS
            : FRESH_PAGE_TTL_SECONDS;
      const categories = [...new Set(page.rows.map((row) => row.category).filter((c): c is string => !!c))];
      const write = redis.multi().set(pageKey(prefix, request), JSON.stringify(page), 'EX', ttl);
      if (categories.length > 0) write.sadd(`${prefix}:categories:${request.region}`, ...categories);
      await write.exec();
    },
    async categories(region) {
      return (await redis.smembers(`${prefix}:categories:${region}`)).sort();
    },
  };
}
