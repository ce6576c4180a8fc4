/**
 * The leaderboard service with real Redis against the sample KeyAPI over HTTP: periods, fallback,
 * caching, single-flight, movement over the window's ranks, and lists that end early or repeat a
 * creator, as a user of /toprank would see them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leaderboardView } from '../../../src/chat/leaderboard-view.js';
import { createKeyApiClient } from '../../../src/keyapi/client.js';
import { MAX_FALLBACK, toRequest } from '../../../src/ranking/leaderboard-service.js';
import { createRedisPageCache } from '../../../src/ranking/page-cache.js';
import type { LeaderboardQuery } from '../../../src/ranking/types.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { envelope, type FakeKeyApi, startFakeKeyApi } from '../../fakes/keyapi-server.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

const silent = createTestLog({ level: 'silent' }).log;

const base: LeaderboardQuery = { region: 'US', type: 'day', by: 'followers', limit: 10, page: 1 };

describe('leaderboard service', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    t = await createTestCore(sample.url);
  });
  afterEach(() => t.close());

  it('shows yesterday when no date is given and today is not published', async () => {
    const board = await t.core.leaderboards.get(base);
    expect(board.period).toEqual({ type: 'day', date: '2026-11-24' });
    expect(board.fellBackFrom).toBeUndefined();
    expect(board.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('serves the second identical request from the cache without an upstream request', async () => {
    await t.core.leaderboards.get(base);
    const before = t.core.keyapi.requestCount;
    const again = await t.core.leaderboards.get(base);
    expect(t.core.keyapi.requestCount).toBe(before);
    expect(again.rows).toHaveLength(10);
  });

  it('shares one upstream request per page among 50 concurrent identical requests', async () => {
    const boards = await Promise.all(
      Array.from({ length: 50 }, () => t.core.leaderboards.get({ ...base, limit: 50 })),
    );
    // 5 pages of the period + 5 of the previous one; the first page doubles as the publication probe.
    expect(t.core.keyapi.requestCount).toBe(10);
    expect(new Set(boards.map((b) => b.rows[49]?.creator.userId)).size).toBe(1);
  });
});

describe('leaderboard service against crafted KeyAPI pages', () => {
  let fake: FakeKeyApi;
  let t: TestCore;
  // Two days of the same three creators (ids above 2^53), and a fourth arriving.
  const day = (date: string) =>
    ({
      '2026-11-23': [
        row('6633792625097490438', 'Ana'),
        row('6633792625097490439', 'Ben'),
        row('6633792625097490440', 'Cy'),
      ],
      '2026-11-24': [
        row('6633792625097490440', 'Cy'),
        row('6633792625097490441', 'Dee'),
        row('6633792625097490438', 'Ana'),
      ],
    })[date] ?? [];

  beforeAll(async () => {
    fake = await startFakeKeyApi();
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.requests.length = 0;
    t = await createTestCore(fake.url);
  });
  afterEach(() => t.close());

  it('ranks by page position and marks each creator up, down, new or same against the day before', async () => {
    fake.fallback = (r) => ({ body: envelope(day(r.params.date ?? '')) });
    const board = await t.core.leaderboards.get({ ...base, limit: 3, date: '2026-11-24' });
    expect(board.rows.map((r) => [r.rank, r.creator.userId, r.movement])).toEqual([
      [1, '6633792625097490440', { kind: 'up', places: 2 }],
      [2, '6633792625097490441', { kind: 'new' }],
      [3, '6633792625097490438', { kind: 'down', places: 2 }],
    ]);
  });

  it('shows a page written again in the cache as its new ranking, not the rows it showed before', async () => {
    fake.fallback = (r) => ({ body: envelope(day(r.params.date ?? '')) });
    const query = { ...base, limit: 3, date: '2026-11-24' };
    const names = async () =>
      leaderboardView(await t.core.leaderboards.get(query)).blocks.flatMap((b) =>
        b.kind === 'table' ? b.rows.map((cells) => cells[2]) : [],
      );
    expect(await names()).toEqual(['Cy', 'Dee', 'Ana']);
    expect(await names()).toEqual(['Cy', 'Dee', 'Ana']); // warm: from the cache
    // The day's page comes again with a new order, and is written over the cached one.
    fake.fallback = () => ({ body: envelope([...day('2026-11-24')].reverse()) });
    const request = toRequest(query, { type: 'day', date: '2026-11-24' }, 1);
    const client = createKeyApiClient({ baseUrl: fake.url, token: 'test-key-123456', qps: 100, log: silent });
    const cache = createRedisPageCache(t.redis.redis, t.redis.prefix, { log: silent });
    await cache.set(request, await client.fetchPage(request), true);
    expect(await names()).toEqual(['Ana', 'Dee', 'Cy']);
  });

  it('says in the footer exactly which ranks of the day before were compared', async () => {
    fake.fallback = (r) => ({ body: envelope(day(r.params.date ?? '')) });
    const board = await t.core.leaderboards.get({ ...base, limit: 2, date: '2026-11-24' });
    expect(board.compared).toBe(3);
    expect(leaderboardView(board).footer).toBe(
      'Tue 24 Nov 2026 · movement vs Mon 23 Nov 2026: ranks 1–3 compared · data: KeyAPI',
    );
  });

  it('falls back to the day before when yesterday is not published yet, and says so', async () => {
    fake.fallback = (r) => ({ body: envelope(r.params.date === '2026-11-24' ? [] : day('2026-11-23')) });
    const board = await t.core.leaderboards.get(base);
    expect(board.period.date).toBe('2026-11-23');
    expect(board.fellBackFrom?.date).toBe('2026-11-24');
  });

  it('gives up after a bounded number of unpublished periods with a not-published error', async () => {
    fake.fallback = () => ({ body: envelope([]) });
    await expect(t.core.leaderboards.get(base)).rejects.toMatchObject({ code: 'not_published' });
    expect(fake.requests.length).toBeLessThanOrEqual(MAX_FALLBACK + 1);
  });

  it('snaps a weekly date to its Monday and says it did', async () => {
    fake.fallback = () => ({ body: envelope(day('2026-11-23')) });
    const board = await t.core.leaderboards.get({ ...base, type: 'week', date: '2026-11-19' });
    expect(board.period).toEqual({ type: 'week', date: '2026-11-16' });
    expect(board.snapped).toBe(true);
    expect(fake.requests.every((r) => r.params.date === '2026-11-16' || r.params.date === '2026-11-09')).toBe(
      true,
    );
  });
});

describe('leaderboard service against lists that end early or repeat a creator', () => {
  let fake: FakeKeyApi;
  let t: TestCore;
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  // Each date's pages as KeyAPI sends them; a page not listed is empty.
  let pages: Record<string, string[][]> = {};

  beforeAll(async () => {
    fake = await startFakeKeyApi();
    fake.fallback = (r) => {
      const rows = pages[r.params.date ?? '']?.[Number(r.params.page_num) - 1] ?? [];
      return { body: envelope(rows.map((id) => row(id, id))) };
    };
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.requests.length = 0;
    t = await createTestCore(fake.url);
  });
  afterEach(() => t.close());

  it('stops at a short page: no page after it is requested, and there is no next page', async () => {
    const thirteen = ids('c', 13);
    pages = {
      '2026-11-24': [thirteen.slice(0, 10), thirteen.slice(10)],
      '2026-11-23': [thirteen.slice(0, 10), thirteen.slice(10)],
    };
    const board = await t.core.leaderboards.get({ ...base, limit: 50, date: '2026-11-24' });
    expect(board.rows.map((r) => r.rank)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(board.hasMore).toBe(false);
    // Pages 1 and 2 of each day: 4 credits, not 10.
    expect(fake.requests.map((r) => `${r.params.date}:${r.params.page_num}`).sort()).toEqual([
      '2026-11-23:1',
      '2026-11-23:2',
      '2026-11-24:1',
      '2026-11-24:2',
    ]);
  });

  it('shows a creator found on two pages once, and no next page after the short one', async () => {
    const first = ids('a', 10);
    // The ranking moved between the two requests: a10 slipped onto page 2 as well.
    pages = { '2026-11-24': [first, ['a10', 'k1', 'k2']], '2026-11-23': [first] };
    const board = await t.core.leaderboards.get({ ...base, limit: 6, page: 2, date: '2026-11-24' });
    expect(board.rows.map((r) => [r.rank, r.creator.userId])).toEqual([
      [7, 'a7'],
      [8, 'a8'],
      [9, 'a9'],
      [10, 'a10'],
      [11, 'k1'],
      [12, 'k2'],
    ]);
    expect(board.hasMore).toBe(false);
    expect(fake.requests.some((r) => r.params.page_num === '3')).toBe(false);
  });

  it('has a next page while the last page read was full', async () => {
    pages = { '2026-11-24': [ids('a', 10)], '2026-11-23': [ids('a', 10)] };
    const board = await t.core.leaderboards.get({ ...base, limit: 5, date: '2026-11-24' });
    expect(board.hasMore).toBe(true);
    expect(board.compared).toBe(10);
  });
});

function row(userId: string, name: string) {
  return { user_id: userId, nick_name: name, unique_id: name.toLowerCase(), total_followers_cnt: 100 };
}
