/**
 * The leaderboard service with real Redis against the sample KeyAPI over HTTP: periods, fallback,
 * caching, single-flight and movement, as a user of /toprank would see them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_FALLBACK } from '../../../src/ranking/leaderboard-service.js';
import type { LeaderboardQuery } from '../../../src/ranking/types.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { envelope, type FakeKeyApi, startFakeKeyApi } from '../../fakes/keyapi-server.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';

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

function row(userId: string, name: string) {
  return { user_id: userId, nick_name: name, unique_id: name.toLowerCase(), total_followers_cnt: 100 };
}
