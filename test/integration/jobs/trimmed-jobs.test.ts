/**
 * Bounded queues: finished delivery jobs are trimmed by count, and the duplicate checks still hold
 * without them. A tick that queues a slot's deliveries again after their jobs are gone (a retry that
 * lost its progress) posts nothing twice: the sent markers, not lingering jobs, keep exactly-once.
 */
import { describe, expect, it } from 'vitest';
import { DELIVERY_JOBS_KEPT } from '../../../src/jobs/queues.js';
import { tickDoneKey, tickJobId, tickProgressKey } from '../../../src/keys.js';
import { queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

const slotId = 'week-0900-UTC';
const firedAt = Date.parse('2026-11-23T09:00:00Z');

describe('trimmed delivery jobs', () => {
  const fx = useJobsFixture();

  it('keeps a bounded number of finished jobs and still posts each digest once when re-queued', async () => {
    const count = DELIVERY_JOBS_KEPT.completed + 200;
    const subs = await addMany(fx.t.core.subscriptions.store, count, FIVE_QUERIES);
    fx.workers = await startTestWorkers(
      fx.t.core,
      new Map([['discord', fx.adapter]]),
      createTestLog({ level: 'silent' }).log,
      { now: () => new Date('2026-11-23T09:01:00Z') },
    );
    const { redis, prefix } = fx.t.redis;
    await fx.workers.queues.tick.add('tick', { slotId, firedAt }, { jobId: tickJobId(slotId, firedAt) });
    await waitUntil('every digest is posted', async () => (await fx.adapter.calls()).length >= count, 90_000);
    await waitUntil('the queues are idle', () => queuesIdle(redis, prefix), 90_000);
    expect(await fx.workers.queues.deliver.getCompletedCount()).toBeLessThanOrEqual(
      DELIVERY_JOBS_KEPT.completed,
    );

    // The tick runs again from scratch and queues all of them again, under the same job ids.
    await redis.del(
      tickDoneKey(prefix, slotId, 'week-2026-11-16'),
      tickProgressKey(prefix, slotId, 'week-2026-11-16'),
    );
    await fx.workers.queues.tick.add('tick', { slotId, firedAt }, { jobId: 'tick-again' });
    await waitUntil(
      'the second tick is done',
      async () => (await redis.exists(tickDoneKey(prefix, slotId, 'week-2026-11-16'))) === 1,
      90_000,
    );
    await waitUntil('the queues are idle again', () => queuesIdle(redis, prefix), 90_000);

    const calls = await fx.adapter.calls();
    expect(calls).toHaveLength(subs.length);
    expect(new Set(calls.map((c) => c.deliveryId)).size).toBe(subs.length);
  }, 120_000);
});
