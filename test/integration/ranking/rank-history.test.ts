/**
 * History behind charts, on real Redis against a scripted KeyAPI: every finished page a leaderboard
 * fetches is kept per query and period, a chart of 8 periods already in history costs no request, two
 * missing periods cost exactly their two pages (and never again), the chart's series is what history
 * holds, and retention keeps the latest HISTORY_PERIODS periods.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chartDataOf } from '../../../src/charts/chart-data.js';
import { toRequest } from '../../../src/ranking/leaderboard-service.js';
import { shiftPeriod } from '../../../src/ranking/period.js';
import type { LeaderboardQuery, Period } from '../../../src/ranking/types.js';
import { serveCraftedRankings } from '../../fakes/crafted-rankings.js';
import { type FakeKeyApi, startFakeKeyApi } from '../../fakes/keyapi-server.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';

const shown: Period = { type: 'week', date: '2026-11-16' };
const query: LeaderboardQuery = { region: 'US', type: 'week', by: 'followers', limit: 5, page: 1 };

/** Ten periods up to the shown one; creator `c<n>` is at rank n, and `z` climbs one place a week. */
function rankings(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let back = 0; back < 10; back++) {
    const period = shiftPeriod(shown, -back);
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
    ids.splice(Math.min(back, 6), 0, 'z'); // rank 1 now, rank 2 a week ago, … outside the top 5 earlier
    out[`week-${period.date}`] = ids;
  }
  return out;
}

describe('rank history', () => {
  let keyapi: FakeKeyApi;
  let t: TestCore;
  beforeEach(async () => {
    keyapi = await startFakeKeyApi();
    serveCraftedRankings(keyapi, rankings());
    t = await createTestCore(keyapi.url, { env: { HISTORY_PERIODS: '9' } });
  });
  afterEach(async () => {
    await t.close();
    await keyapi.close();
  });

  it('costs nothing for 8 periods already in history, and exactly 2 pages for 2 missing ones', async () => {
    // Four leaderboards (each with the week before it, for movement) fill 8 weeks of history as a side effect.
    for (let back = 2; back <= 8; back += 2) {
      await t.core.leaderboards.get({ ...query, date: shiftPeriod(shown, -back).date });
    }
    // History, not the page cache, is what keeps them.
    await t.core.redis.del(...(await t.core.redis.keys(`${t.redis.prefix}:page:*`)));
    const asked = keyapi.requests.length;
    const twoWeeksAgo = shiftPeriod(shown, -2);
    expect(await t.core.rankHistory.missing(query, twoWeeksAgo)).toBe(0);
    const full = await t.core.rankHistory.load(query, twoWeeksAgo, { fetchMissing: true });
    expect(full.fetched).toBe(0);
    expect(full.periods.every((p) => p.rows !== undefined)).toBe(true);
    expect(keyapi.requests.length).toBe(asked);

    // The chart of the shown week lacks its two newest weeks: one page each, and only once.
    expect(await t.core.rankHistory.missing(query, shown)).toBe(2);
    const filled = await t.core.rankHistory.load(query, shown, { fetchMissing: true });
    expect(filled.fetched).toBe(2);
    expect(keyapi.requests.length - asked).toBe(2);
    expect(keyapi.requests.slice(asked).map((r) => r.params.date)).toEqual(
      expect.arrayContaining([shown.date, shiftPeriod(shown, -1).date]),
    );
    const again = await t.core.rankHistory.load(query, shown, { fetchMissing: true });
    expect(again.fetched).toBe(0);
    expect(keyapi.requests.length - asked).toBe(2);
  });

  it('draws the series history holds: rank per period, a gap outside the top, legend in rank order', async () => {
    const history = await t.core.rankHistory.load(query, shown, { fetchMissing: true });
    const data = chartDataOf(query, history, false);
    expect(data.series.map((s) => s.label)).toEqual(['@z', '@c1', '@c2', '@c3', '@c4']);
    // z: rank 1 now, 2 a week ago … 5 four weeks ago, then outside the top 5 (gaps).
    expect(data.series[0]?.ranks).toEqual([null, null, null, 5, 4, 3, 2, 1]);
    // The same ranks, read straight from the stored snapshots of each week.
    for (const [i, period] of data.periods.entries()) {
      const page = await t.core.history.page(toRequest(query, period, 1));
      const stored = page?.rows.findIndex((r) => r.user_id === 'z') ?? -1;
      expect(data.series[0]?.ranks[i]).toBe(stored >= 0 && stored < 5 ? stored + 1 : null);
    }
    expect(data.title).toBe('US weekly top 5 by followers · week of Mon 16 Nov 2026');
  });

  it('keeps the latest HISTORY_PERIODS periods of a query and lets older ones go', async () => {
    await t.core.rankHistory.load(query, shown, { fetchMissing: true, count: 10 });
    const dates = await t.core.history.dates(toRequest(query, shown, 1));
    expect(dates).toHaveLength(9);
    expect(dates.at(-1)).toBe(shown.date);
    expect(dates[0]).toBe(shiftPeriod(shown, -8).date);
    expect(await t.core.history.page(toRequest(query, shiftPeriod(shown, -9), 1))).toBeUndefined();
  });
});
