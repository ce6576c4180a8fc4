/**
 * A tick whose period KeyAPI has not published yet: it probes with one page (one credit) at a time,
 * posts nothing meanwhile, and delivers the digest once the ranking appears; past the deadline it
 * posts the latest published period, saying so.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { digestDeliveryId, tickStartedKey } from '../../../src/keys.js';
import { createLeaderboardService } from '../../../src/ranking/leaderboard-service.js';
import { publishedPagesOnly } from '../../fakes/crafted-rankings.js';
import { queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { makeSubscription } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

const thirty = Array.from({ length: 30 }, (_, i) => `c${i + 1}`);
const weekKey = 'week-2026-11-16';

describe('a tick before the period is published', () => {
  const fx = useJobsFixture({ rankings: () => ({ 'week-2026-11-09': [...thirty].reverse() }) });
  const log = createTestLog({ level: 'silent' }).log;

  beforeEach(async () => {
    await fx.t.core.subscriptions.store.add(
      makeSubscription({
        channel: 'discord:7',
        query: { region: 'US', type: 'week', by: 'followers', limit: 30 },
      }),
      25,
    );
  });

  function startWorkersAt(now: string) {
    const leaderboards = createLeaderboardService({
      client: fx.t.core.keyapi,
      cache: publishedPagesOnly(),
      log,
    });
    return startTestWorkers({ ...fx.t.core, leaderboards }, new Map([['discord', fx.adapter]]), log, {
      now: () => new Date(now),
      reconcile: false,
    });
  }

  it('probes one page at a time, then posts the digest when the ranking appears', async () => {
    fx.workers = await startWorkersAt('2026-11-23T09:01:00Z');
    await fx.workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('three probes were made', async () => fx.keyapi.requests.length >= 3);
    expect(await fx.adapter.calls()).toHaveLength(0);
    // Every request so far is the first page of the wanted week: one credit per probe.
    const probes = fx.keyapi.requests.map(
      (r) => `${r.params.rank_type}/${r.params.date}/${r.params.page_num}`,
    );
    expect(new Set(probes)).toEqual(new Set(['2/2026-11-16/1']));

    fx.rankings[weekKey] = thirty;
    await waitUntil('the digest is posted', async () => (await fx.adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    const [post] = await fx.adapter.posts();
    const [sub] = await fx.t.core.subscriptions.store.listByChannel('discord:7');
    expect(post?.deliveryId).toBe(digestDeliveryId(String(sub?.id), weekKey));
    expect(post?.text).not.toContain('not published yet');
    expect(await fx.adapter.calls()).toHaveLength(1);
  });

  it('posts the latest published week, labelled, once the deadline has passed', async () => {
    fx.rankings['week-2026-11-02'] = thirty;
    // Seven hours after the slot: past the six-hour deadline (the tick started in time, then waited).
    await fx.t.redis.redis.set(tickStartedKey(fx.t.redis.prefix, 'week-0900-UTC', weekKey), '1');
    fx.workers = await startWorkersAt('2026-11-23T16:00:00Z');
    await fx.workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('the digest is posted', async () => (await fx.adapter.posts()).length >= 1);
    const [post] = await fx.adapter.posts();
    expect(post?.text).toContain(
      'The ranking for week of Mon 16 Nov 2026 is not published yet; showing week of Mon 9 Nov 2026.',
    );
    expect(post?.deliveryId.endsWith(weekKey)).toBe(true);
  });
});
