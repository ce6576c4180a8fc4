/**
 * A tick whose period KeyAPI has not published yet: it probes with one page (one credit) at a time,
 * posts nothing meanwhile, and delivers the digest once the ranking appears; past the deadline it
 * posts the latest published period, saying so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWorkers } from '../../../src/jobs/worker.js';
import type { RankingPage } from '../../../src/keyapi/client.js';
import { createLeaderboardService } from '../../../src/ranking/leaderboard-service.js';
import type { PageCache } from '../../../src/ranking/page-cache.js';
import { type CapturingAdapter, createCapturingAdapter } from '../../fakes/capturing-chat-adapter.js';
import { serveCraftedRankings } from '../../fakes/crafted-rankings.js';
import { type FakeKeyApi, startFakeKeyApi } from '../../fakes/keyapi-server.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { makeSubscription } from '../../helpers/subscriptions.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

/**
 * Keeps published pages only: what the Redis cache amounts to in production, where probes are spaced
 * further apart (10 min and more) than an empty page is cached (5 min).
 */
function publishedPagesOnly(): PageCache {
  const pages = new Map<string, RankingPage>();
  return {
    get: async (request) => pages.get(JSON.stringify(request)),
    set: async (request, page) => {
      if (page.rows.length > 0) pages.set(JSON.stringify(request), page);
    },
    categories: async () => [],
  };
}

const thirty = Array.from({ length: 30 }, (_, i) => `c${i + 1}`);
const weekKey = 'week-2026-11-16';

describe('a tick before the period is published', () => {
  let keyapi: FakeKeyApi;
  let rankings: Record<string, string[]>;
  let t: TestCore;
  let adapter: CapturingAdapter;
  let workers: RunningWorkers | undefined;
  const log = createTestLog({ level: 'silent' }).log;

  beforeEach(async () => {
    keyapi = await startFakeKeyApi();
    rankings = { 'week-2026-11-09': [...thirty].reverse() };
    serveCraftedRankings(keyapi, rankings);
    t = await createTestCore(keyapi.url);
    adapter = createCapturingAdapter({ redis: t.redis.redis, key: t.redis.prefix });
    await t.core.subscriptions.store.add(
      makeSubscription({
        channel: 'discord:7',
        query: { region: 'US', type: 'week', by: 'followers', limit: 30 },
      }),
      25,
    );
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
    await keyapi.close();
  });

  function startWorkersAt(now: string) {
    const leaderboards = createLeaderboardService({
      client: t.core.keyapi,
      cache: publishedPagesOnly(),
      log,
    });
    return startTestWorkers({ ...t.core, leaderboards }, new Map([['discord', adapter]]), log, {
      now: () => new Date(now),
      reconcile: false,
    });
  }

  it('probes one page at a time, then posts the digest when the ranking appears', async () => {
    workers = await startWorkersAt('2026-11-23T09:01:00Z');
    await workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('three probes were made', async () => keyapi.requests.length >= 3);
    expect(await adapter.calls()).toHaveLength(0);
    // Every request so far is the first page of the wanted week: one credit per probe.
    const probes = keyapi.requests.map((r) => `${r.params.rank_type}/${r.params.date}/${r.params.page_num}`);
    expect(new Set(probes)).toEqual(new Set(['2/2026-11-16/1']));

    rankings[weekKey] = thirty;
    await waitUntil('the digest is posted', async () => (await adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));
    const [post] = await adapter.posts();
    expect(post?.deliveryId).toBe(
      `deliver-${(await t.core.subscriptions.store.listByChannel('discord:7'))[0]?.id}-${weekKey}`,
    );
    expect(post?.text).not.toContain('not published yet');
    expect(await adapter.calls()).toHaveLength(1);
  });

  it('posts the latest published week, labelled, once the deadline has passed', async () => {
    rankings['week-2026-11-02'] = thirty;
    // Seven hours after the slot: past the six-hour deadline (the tick started in time, then waited).
    await t.redis.redis.set(`${t.redis.prefix}:tick-started:week-0900-UTC:${weekKey}`, '1');
    workers = await startWorkersAt('2026-11-23T16:00:00Z');
    await workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('the digest is posted', async () => (await adapter.posts()).length >= 1);
    const [post] = await adapter.posts();
    expect(post?.text).toContain(
      'The ranking for week of Mon 16 Nov 2026 is not published yet; showing week of Mon 9 Nov 2026.',
    );
    expect(post?.deliveryId.endsWith(weekKey)).toBe(true);
  });
});
