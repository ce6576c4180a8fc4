/**
 * Downtime: a slot that fell while no worker ran is delivered once by the next worker within the
 * catch-up window, not again after a restart, and skipped (and logged) when it is too old.
 */
import { describe, expect, it } from 'vitest';
import { queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('catch-up after downtime', () => {
  const fx = useJobsFixture();

  const start = (now: string, log = createTestLog({ level: 'silent' }).log) =>
    startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log, { now: () => new Date(now) });

  it('delivers a slot missed 90 minutes ago once, and not again after a restart', async () => {
    await addMany(fx.t.core.subscriptions.store, 12, FIVE_QUERIES);
    // Monday 09:00 UTC fell at 09:00; the first worker starts at 10:30.
    fx.workers = await start('2026-11-23T10:30:00Z');
    expect(fx.workers.reconciled?.caughtUp).toEqual(['week-0900-UTC']);
    await waitUntil('12 digests are posted', async () => (await fx.adapter.posts()).length >= 12);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    await fx.workers.close();

    fx.workers = await start('2026-11-23T11:00:00Z');
    expect(fx.workers.reconciled?.caughtUp).toEqual([]);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    expect(await fx.adapter.calls()).toHaveLength(12);
    expect((await fx.adapter.posts()).every((p) => p.deliveryId.endsWith('-week-2026-11-16'))).toBe(true);
  });

  it('skips and logs a slot older than the catch-up window', async () => {
    await addMany(fx.t.core.subscriptions.store, 3, FIVE_QUERIES);
    const testLog = createTestLog({ level: 'info' });
    // Six hours late: no catch-up is queued at start…
    fx.workers = await start('2026-11-23T15:00:00Z', testLog.log);
    expect(fx.workers.reconciled?.caughtUp).toEqual([]);
    // …and the scheduler's own overdue job, when it finally runs, is skipped with a log line.
    await fx.workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('the stale tick is logged', async () =>
      testLog.lines().some((l) => l.msg === 'slot missed beyond the catch-up window: skipped'),
    );
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    expect(await fx.adapter.calls()).toHaveLength(0);
  });
});
