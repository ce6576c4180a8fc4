/**
 * Catch-up decides on "tick done", never "tick started": a tick that started and failed (KeyAPI
 * answered 402 while the account was empty) is caught up by the next worker to start within the
 * catch-up window, and delivered once.
 */
import { describe, expect, it } from 'vitest';
import { errorBody } from '../../fakes/keyapi-server.js';
import { queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { addMany } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

const ranks = ['a', 'b', 'c', 'd'];

describe('catch-up after a failed tick', () => {
  const fx = useJobsFixture({
    rankings: () => ({ 'week-2026-11-16': ranks, 'week-2026-11-09': [...ranks].reverse() }),
  });
  const start = (now: string) =>
    startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), createTestLog({ level: 'silent' }).log, {
      now: () => new Date(now),
    });

  it('delivers the slot once when a worker is restarted after its tick failed', async () => {
    const [sub] = await addMany(fx.t.core.subscriptions.store, 1, [
      { region: 'US', type: 'week', by: 'followers', limit: 10 },
    ]);
    // The account is empty when the 09:00 slot is caught up at 10:30: the tick fails for good.
    fx.keyapi.script({ status: 402, body: errorBody(402, 'apiKey quota is not enough') });
    fx.workers = await start('2026-11-23T10:30:00Z');
    expect(fx.workers.reconciled?.caughtUp).toEqual(['week-0900-UTC']);
    await waitUntil(
      'the tick has failed',
      async () => (await fx.workers?.queues.tick.getFailedCount()) === 1,
    );
    await fx.workers.close();
    expect(await fx.adapter.calls()).toHaveLength(0);

    // Topped up; the next worker to start sees a tick started but not done, and catches it up.
    fx.workers = await start('2026-11-23T10:45:00Z');
    expect(fx.workers.reconciled?.caughtUp).toEqual(['week-0900-UTC']);
    await waitUntil('the digest is posted', async () => (await fx.adapter.posts()).length >= 1);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    const calls = await fx.adapter.calls();
    expect(calls.map((c) => c.deliveryId)).toEqual([`deliver-${sub?.id}-week-2026-11-16`]);

    // Done now: a third start catches nothing up.
    await fx.workers.close();
    fx.workers = await start('2026-11-23T11:00:00Z');
    expect(fx.workers.reconciled?.caughtUp).toEqual([]);
  });
});
