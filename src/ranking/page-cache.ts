/**
 * Redis cache of KeyAPI pages, one key per request, and a stamp beside it that each write renews. A
 * finished period never changes, so it is kept long; a page that is empty (not published yet) or of a
 * running period is kept briefly. It never throws: while Redis is down it is skipped (the connection
 * logs the outage once); any other failure, and a cached page that no longer reads as one, is a miss
 * that is logged and counted.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { cleanText } from '../clean-text.js';
import type { RankingPage, RankingRequest } from '../keyapi/client.js';
import { rankingPageSchema } from '../keyapi/schema.js';
import { categoriesKey, pageKey, pageStampKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';

export interface PageCache {
  /** The cached page, or undefined on a miss; never rejects. */
  get(request: RankingRequest): Promise<RankingPage | undefined>;
  /** The cached pages of several requests, in order, in one round trip; never rejects. */
  getMany(requests: RankingRequest[]): Promise<(RankingPage | undefined)[]>;
  /** Keeps a page; never rejects. */
  set(request: RankingRequest, page: RankingPage, final: boolean): Promise<void>;
  /** Creator categories seen so far in a region's pages, for autocomplete without a paid call. */
  categories(region: string): Promise<string[]>;
}

/** What failed: a Redis command of `get`, `set` or `categories`, or a cached page that is not one. */
export type CacheErrorOp = 'get' | 'set' | 'categories' | 'invalid_page' | 'history';

/** Where the cache reports its failures. */
export interface PageCacheOptions {
  log: Logger;
  /** Sees every failure, for metrics (toprank_cache_errors_total). */
  onError?: (op: CacheErrorOp) => void;
}

const FINAL_PAGE_TTL_SECONDS = 14 * 24 * 3600;
const FRESH_PAGE_TTL_SECONDS = 10 * 60;
const EMPTY_PAGE_TTL_SECONDS = 5 * 60;

/** Lost its connection (a fresh one that is still connecting is not down): skip the lookup at once. */
export function isDown(redis: RedisClient): boolean {
  return ['reconnecting', 'close', 'end'].includes(redis.status);
}

/**
 * Pages already read back, by key with the stamp they were written with: a warm /toprank reads ten
 * cached pages, and reading (200 KB of text a query), parsing and validating the same pages each time
 * was most of its time and of its garbage. A stamp that is still the same is the same page; callers
 * never change a page.
 */
const readPages = new Map<string, { stamp: string; page: RankingPage }>();
const READ_PAGES_KEPT = 256;

/** A cached page read back with the schema of src/keyapi/schema.ts; undefined when it is not one. */
function readPage(text: string): RankingPage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = rankingPageSchema.safeParse(json);
  return parsed.success ? { rows: parsed.data.rows, requestId: parsed.data.requestId } : undefined;
}

function remember(key: string, stamp: string, page: RankingPage): void {
  readPages.delete(key);
  readPages.set(key, { stamp, page });
  if (readPages.size > READ_PAGES_KEPT) readPages.delete(readPages.keys().next().value as string);
}

/** Runs a MULTI; a command that fails inside it does not reject exec(), so its error is thrown here. */
export async function execChecked(multi: ReturnType<RedisClient['multi']>): Promise<void> {
  for (const [error] of (await multi.exec()) ?? []) if (error) throw error;
}

/** How the cache's Redis work fails: never to the caller; logged once per kind, counted every time. */
export interface CacheGuard {
  /** Runs a Redis operation; while Redis is down, or when it fails, gives `fallback`. */
  guarded<T>(op: CacheErrorOp, fallback: T, work: () => Promise<T>): Promise<T>;
  failed(op: CacheErrorOp, cause: unknown): void;
  worked(op: CacheErrorOp): void;
}

export function createCacheGuard(redis: RedisClient, options: PageCacheOptions): CacheGuard {
  const { log, onError } = options;
  // Each kind of failure is logged when it starts, not on every lookup, until that operation works again.
  const failing = new Set<CacheErrorOp>();
  const failed = (op: CacheErrorOp, cause: unknown) => {
    onError?.(op);
    if (failing.has(op)) return;
    failing.add(op);
    log.warn({ op, err: cause }, 'page cache failed: serving without it');
  };
  const worked = (op: CacheErrorOp) => failing.delete(op);
  return {
    failed,
    worked,
    async guarded(op, fallback, work) {
      // While Redis is down, skip the cache at once rather than wait for a reconnect to fail.
      if (isDown(redis)) return fallback;
      try {
        const result = await work();
        worked(op);
        return result;
      } catch (cause) {
        // The connection dropped meanwhile: the known outage, logged once by the connection itself.
        if (!isDown(redis)) failed(op, cause);
        return fallback;
      }
    },
  };
}

export function createRedisPageCache(
  redis: RedisClient,
  prefix: string,
  options: PageCacheOptions,
): PageCache {
  const { guarded, failed, worked } = createCacheGuard(redis, options);

  // Two MGETs at most, and one when every page is known: each key is under the one hash-tagged prefix,
  // so a Redis Cluster serves them too.
  const getMany = async (requests: RankingRequest[]) => {
    const keys = requests.map((request) => pageKey(prefix, request));
    const stamps = await guarded('get', undefined, () =>
      redis.mget(...requests.map((request) => pageStampKey(prefix, request))),
    );
    // Redis refused or is down: every page is a miss, counted once.
    if (!stamps) return keys.map(() => undefined);
    const pages = keys.map((key, i) => {
      const known = readPages.get(key);
      return known && known.stamp === stamps[i] ? known.page : undefined;
    });
    const unknown = pages.flatMap((page, i) => (page ? [] : [i]));
    if (unknown.length === 0) return pages;
    const texts = await guarded('get', [], () => redis.mget(...unknown.map((i) => keys[i] as string)));
    for (const [n, i] of unknown.entries()) {
      const text = texts[n];
      if (!text) continue;
      const page = readPage(text);
      if (!page) {
        failed('invalid_page', new Error(`cached page ${keys[i]} is not a page`));
        continue;
      }
      worked('invalid_page');
      const stamp = stamps[i];
      if (stamp) remember(keys[i] as string, stamp, page);
      pages[i] = page;
    }
    return pages;
  };

  return {
    async get(request) {
      const [page] = await getMany([request]);
      return page;
    },
    getMany,
    async set(request, page, final) {
      const ttl =
        page.rows.length === 0
          ? EMPTY_PAGE_TTL_SECONDS
          : final
            ? FINAL_PAGE_TTL_SECONDS
            : FRESH_PAGE_TTL_SECONDS;
      // Autocomplete shows these on the platforms: cleaned like every KeyAPI text (./clean-text.ts).
      const categories = [...new Set(page.rows.map((row) => cleanText(row.category)).filter(Boolean))];
      await guarded('set', undefined, async () => {
        const write = redis
          .multi()
          .set(pageKey(prefix, request), JSON.stringify(page), 'EX', ttl)
          .set(pageStampKey(prefix, request), randomUUID(), 'EX', ttl);
        if (categories.length > 0) write.sadd(categoriesKey(prefix, request.region), ...categories);
        await execChecked(write);
      });
    },
    async categories(region) {
      const seen = await guarded('categories', [], () => redis.smembers(categoriesKey(prefix, region)));
      return seen.sort();
    },
  };
}
