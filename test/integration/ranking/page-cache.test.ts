/**
 * Page cache failures are visible, against real Redis: a Redis error (not an outage) is a miss that is
 * logged once with its cause and counted in toprank_cache_errors_total; a cached page that does not
 * read as a page is a miss too, counted, and replaced by the page fetched instead.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RankingPage, RankingRequest } from '../../../src/keyapi/client.js';
import { apiRowSchema } from '../../../src/keyapi/schema.js';
import { createMetrics, type Metrics } from '../../../src/metrics.js';
import { type CacheErrorOp, createRedisPageCache, type PageCache } from '../../../src/ranking/page-cache.js';
import type { LeaderboardQuery } from '../../../src/ranking/types.js';
import { envelope, type FakeKeyApi, startFakeKeyApi } from '../../fakes/keyapi-server.js';
import { type TestRedis, useTestRedis } from '../../helpers/redis.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';
import { createTestLog, type TestLog } from '../../helpers/test-log.js';

const request: RankingRequest = {
  date: '2026-11-24',
  region: 'US',
  rankType: 1,
  rankField: 1,
  pageNum: 1,
  pageSize: 10,
};
const page: RankingPage = {
  rows: [
    {
      ...apiRowSchema.parse({ user_id: '6633792625097490438', category: 'Beauty' }),
      raw: { user_id: '6633792625097490438', category: 'Beauty' },
    },
  ],
  requestId: 'r1',
};

describe('page cache failures', () => {
  let redis: TestRedis;
  let testLog: TestLog;
  let errors: CacheErrorOp[];
  let cache: PageCache;
  const failureLines = () => testLog.lines().filter((l) => l.msg === 'page cache failed: serving without it');

  beforeEach(async () => {
    redis = await useTestRedis();
    testLog = createTestLog();
    errors = [];
    cache = createRedisPageCache(redis.redis, redis.prefix, {
      log: testLog.log,
      onError: (op) => errors.push(op),
    });
  });
  afterEach(() => redis.cleanup());

  it('reads back the page it kept', async () => {
    await cache.set(request, page, true);
    expect(await cache.get(request)).toEqual(page);
    expect(await cache.categories('US')).toEqual(['Beauty']);
    expect(errors).toEqual([]);
  });

  it('reads a page written again under the same key as the new page, not the one read before', async () => {
    await cache.set(request, page, true);
    expect(await cache.get(request)).toEqual(page);
    const rewritten: RankingPage = { ...page, requestId: 'r2' };
    await cache.set(request, rewritten, true);
    expect(await cache.get(request)).toEqual(rewritten);
  });

  it('turns a Redis error into a miss, counted each time and logged once with its cause', async () => {
    await cache.set(request, page, true);
    // A Redis user that may not read pages: Redis itself refuses every lookup (NOPERM).
    const user = `no-reads-${randomUUID().slice(0, 8)}`;
    await redis.redis.acl('SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all', '-mget');
    const refused = new Redis(redis.url, { username: user, password: 'any', maxRetriesPerRequest: 0 });
    try {
      const refusedCache = createRedisPageCache(refused, redis.prefix, {
        log: testLog.log,
        onError: (op) => errors.push(op),
      });
      expect(await refusedCache.get(request)).toBeUndefined();
      expect(await refusedCache.get(request)).toBeUndefined();
    } finally {
      refused.disconnect();
      await redis.redis.acl('DELUSER', user);
    }
    expect(errors).toEqual(['get', 'get']);
    const lines = failureLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ op: 'get', err: { message: expect.stringContaining('NOPERM') } });
  });

  it('counts a command that fails inside the write, which exec() does not reject', async () => {
    await redis.redis.set(`${redis.prefix}:categories:US`, 'a string, not a set');
    await cache.set(request, page, true);
    expect(errors).toEqual(['set']);
    expect(failureLines()[0]).toMatchObject({ op: 'set' });
    expect(await cache.categories('US')).toEqual([]);
    expect(errors).toEqual(['set', 'categories']);
  });

  it('treats a cached page that is not a page as a miss, and counts it', async () => {
    await cache.set(request, page, true);
    const [key = ''] = await redis.redis.keys(`${redis.prefix}:page:*`);
    for (const bad of ['{not json', JSON.stringify({ rows: [{ nick_name: 'no user_id' }] })]) {
      await redis.redis.set(key, bad);
      expect(await cache.get(request)).toBeUndefined();
    }
    expect(errors).toEqual(['invalid_page', 'invalid_page']);
  });
});

describe('a bad cached page seen from a leaderboard', () => {
  let fake: FakeKeyApi;
  let t: TestCore;
  let metrics: Metrics;
  const query: LeaderboardQuery = { region: 'US', type: 'day', by: 'followers', limit: 3, page: 1 };

  beforeAll(async () => {
    fake = await startFakeKeyApi();
    fake.fallback = () => ({ body: envelope([{ user_id: '7001', nick_name: 'Mia' }]) });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    metrics = createMetrics();
    t = await createTestCore(fake.url, { metrics });
  });
  afterEach(() => t.close());

  it('is fetched again, counted in /metrics, and replaced in the cache', async () => {
    await t.core.leaderboards.get(query);
    const keys = await t.redis.redis.keys(`${t.redis.prefix}:page:*`);
    for (const key of keys) await t.redis.redis.set(key, '{"rows":"garbage"}');
    // History would answer a cache miss for free: without it the page has to be fetched again.
    for (const key of await t.redis.redis.keys(`${t.redis.prefix}:history*`)) await t.redis.redis.del(key);
    const before = fake.requests.length;

    const board = await t.core.leaderboards.get(query);
    expect(board.rows.map((r) => r.creator.nickname)).toEqual(['Mia']);
    expect(fake.requests.length - before).toBe(keys.length);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`toprank_cache_errors_total{op="invalid_page"} ${keys.length}`);

    // The page fetched instead replaced the bad one: the next request is served from the cache.
    await t.core.leaderboards.get(query);
    expect(fake.requests.length - before).toBe(keys.length);
  });
  it('is answered and counted when its history behind the cache fails too', async () => {
    await t.core.leaderboards.get(query);
    const pages = await t.redis.redis.keys(`${t.redis.prefix}:page:*`);
    for (const key of pages) await t.redis.redis.del(key);
    // History that is no longer a hash: every read and write of it fails with WRONGTYPE.
    const history = await t.redis.redis.keys(`${t.redis.prefix}:history:*`);
    expect(history.length).toBeGreaterThan(0);
    for (const key of history) await t.redis.redis.set(key, 'not a hash');
    const before = fake.requests.length;

    const board = await t.core.leaderboards.get(query);
    expect(board.rows.map((r) => r.creator.nickname)).toEqual(['Mia']);
    expect(fake.requests.length - before).toBe(pages.length);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/toprank_cache_errors_total\{op="history"\} [1-9]/);
  });
});
