/**
 * Downtime: a slot that fell while no worker ran is delivered once by the next worker within the
 * catch-up window, not again after a restart, and skipped (and logged) when it is too old.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWorkers } from '../../../src/jobs/worker.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { type CapturingAdapter, createCapturingAdapter } from '../../fakes/capturing-chat-adapter.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';
import { createTestCore, type TestCore } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('catch-up after downtime', () => {
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let adapter: CapturingAdapter;
  let workers: RunningWorkers | undefined;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    t = await createTestCore(sample.url);
    adapter = createCapturingAdapter({ redis: t.redis.redis, key: t.redis.prefix });
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
  });

  const start = (now: string, log = createTestLog({ level: 'silent' }).log) =>
    startTestWorkers(t.core, new Map([['discord', adapter]]), log, { now: () => new Date(now) });

  it('delivers a slot missed 90 minutes ago once, and not again after a restart', async () => {
    await addMany(t.core.subscriptions.store, 12, FIVE_QUERIES);
    // Monday 09:00 UTC fell at 09:00; the first worker starts at 10:30.
    workers = await start('2026-11-23T10:30:00Z');
    expect(workers.reconciled?.caughtUp).toEqual(['week-0900-UTC']);
    await waitUntil('12 digests are posted', async () => (await adapter.posts()).length >= 12);
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));
    await workers.close();

    workers = await start('2026-11-23T11:00:00Z');
    expect(workers.reconciled?.caughtUp).toEqual([]);
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));
    expect(await adapter.calls()).toHaveLength(12);
    expect((await adapter.posts()).every((p) => p.deliveryId.endsWith('-week-2026-11-16'))).toBe(true);
  });

  it('skips and logs a slot older than the catch-up window', async () => {
    await addMany(t.core.subscriptions.store, 3, FIVE_QUERIES);
    const testLog = createTestLog({ level: 'info' });
    // Six hours late: no catch-up is queued at start…
    workers = await start('2026-11-23T15:00:00Z', testLog.log);
    expect(workers.reconciled?.caughtUp).toEqual([]);
    // …and the scheduler's own overdue job, when it finally runs, is skipped with a log line.
    await workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    await waitUntil('the stale tick is logged', async () =>
      testLog.lines().some((l) => l.msg === 'slot missed beyond the catch-up window: skipped'),
    );
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix));
    expect(await adapter.calls()).toHaveLength(0);
  });
});
