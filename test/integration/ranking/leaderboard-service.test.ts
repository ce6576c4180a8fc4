/**
 * The leaderboard service with real Redis against the sample KeyAPI over HTTP: periods, fallback,
 * caching, single-flight and movement, as a user of /toprank would see them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LeaderboardQuery } from '../../../src/ranking/types.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
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
