/**
 * A weekly tick with real Redis and real BullMQ workers against the sample KeyAPI over HTTP: each
 * distinct query is fetched once however many channels follow it, a tick run twice posts every
 * digest once, and so does a digest that two delivery jobs carry.
 */
import { describe, expect, it } from 'vitest';
import { digestsJobId, tickJobId } from '../../../src/keys.js';
import { slotId } from '../../../src/subscriptions/slot.js';
import { digestsCarried, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

const slot = slotId({ cadence: 'week', time: '09:00', timezone: 'UTC' });
const firedAt = Date.parse('2026-11-23T09:00:00Z');
const workerNow = () => new Date('2026-11-23T09:01:00Z');

describe('weekly tick fan-out', () => {
  const fx = useJobsFixture();

  it('fetches each of 5 distinct queries once for 200 subscriptions and posts 200 digests', async () => {
    const subs = await addMany(fx.t.core.subscriptions.store, 200, FIVE_QUERIES);
    fx.workers = await startTestWorkers(
      fx.t.core,
      new Map([['discord', fx.adapter]]),
      createTestLog({ level: 'silent' }).log,
      {
        now: workerNow,
      },
    );
    const before = fx.t.core.keyapi.requestCount;
    await fx.workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: tickJobId(slot, firedAt) });
    await waitUntil('200 digests are posted', async () => (await fx.adapter.posts()).length >= 200);

    // Limit 10 = one page of the week and one of the week before (for movement), per distinct query.
    expect(fx.t.core.keyapi.requestCount - before).toBe(5 * 2);
    const posts = await fx.adapter.posts();
    expect(new Set(posts.map((p) => p.channel))).toEqual(new Set(subs.map((s) => s.channel)));
    expect(posts[0]?.title).toContain('Weekly digest');
    expect(posts.every((p) => p.deliveryId.endsWith('-week-2026-11-16'))).toBe(true);
  });

  it('posts every digest exactly once when the same tick runs twice', async () => {
    const subs = await addMany(fx.t.core.subscriptions.store, 30, FIVE_QUERIES.slice(0, 2));
    fx.workers = await startTestWorkers(
      fx.t.core,
      new Map([['discord', fx.adapter]]),
      createTestLog({ level: 'silent' }).log,
      {
        now: workerNow,
      },
    );
    await fx.workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-first' });
    await fx.workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-second' });
    await waitUntil('30 digests are posted', async () => (await fx.adapter.posts()).length >= 30);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    // A third run after everything was delivered (as a restart or an operator would) changes nothing.
    await fx.workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-third' });
    await waitUntil('the queues are idle again', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));

    const calls = await fx.adapter.calls();
    expect(calls).toHaveLength(30);
    expect(new Set(calls.map((c) => c.channel)).size).toBe(subs.length);
  });

  it('posts a digest that two delivery jobs carry once: the job that claims it first posts it', async () => {
    const subs = await addMany(fx.t.core.subscriptions.store, 20, FIVE_QUERIES.slice(0, 2));
    const log = createTestLog({ level: 'silent' }).log;
    // The tick alone first: its jobs wait, as after a crash whose retried tick regrouped the slot.
    const ticking = await startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log, {
      now: workerNow,
      only: ['tick'],
    });
    await ticking.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: tickJobId(slot, firedAt) });
    await waitUntil('the tick has queued 20 digests', async () => {
      return digestsCarried(await ticking.queues.deliver.getJobs(['waiting'])) === 20;
    });
    const [first, second] = await ticking.queues.deliver.getJobs(['waiting']);
    if (first?.data.kind !== 'digest' || second?.data.kind !== 'digest') throw new Error('no digest jobs');
    // Half of each query's digests again, in one job of another id.
    const overlap = [...first.data.subscriptionIds.slice(0, 5), ...second.data.subscriptionIds.slice(0, 5)];
    await ticking.queues.deliver.add(
      'digest',
      { ...first.data, subscriptionIds: overlap },
      { jobId: digestsJobId(first.data.periodKey, overlap) },
    );
    await ticking.close();

    fx.workers = await startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log, {
      now: workerNow,
      only: ['deliver'],
    });
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    const calls = await fx.adapter.calls();
    expect(calls).toHaveLength(20);
    expect(new Set(calls.map((c) => c.channel))).toEqual(new Set(subs.map((s) => s.channel)));
  });
});
