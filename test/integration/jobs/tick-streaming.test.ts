/**
 * A tick streams its slot: it holds one batch of subscriptions at a time however large the slot (the
 * real store, wrapped to count the rows it handed out and not yet queued), and a tick killed after its
 * first chunk continues where it stopped when retried, queueing nothing twice and losing nothing.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTick } from '../../../src/jobs/collect.js';
import { TICK_BATCH } from '../../../src/jobs/tick-pass.js';
import { createJobParts } from '../../../src/jobs/worker.js';
import type { Subscription } from '../../../src/subscriptions/subscription.js';
import type { SubscriptionStore } from '../../../src/subscriptions/subscription-store.js';
import { startChildWorker } from '../../helpers/child-worker.js';
import { digestsCarried, queuesIdle, startTestWorkers, waitUntil } from '../../helpers/jobs.js';
import { useJobsFixture } from '../../helpers/jobs-fixture.js';
import { addMany, FIVE_QUERIES } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

const slotId = 'week-0900-UTC';
const firedAt = Date.parse('2026-11-23T09:00:00Z');
const workerNow = () => new Date('2026-11-23T09:01:00Z');
const log = createTestLog({ level: 'silent' }).log;

/** The real store, counting the subscription rows it handed out that the tick has not queued yet. */
function countingStore(real: SubscriptionStore) {
  const counts = { inFlight: 0, maxInFlight: 0, readsWhileHolding: 0 };
  const handOut = (rows: Subscription[]) => {
    counts.inFlight += rows.length;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    return rows;
  };
  const store: SubscriptionStore = Object.assign(Object.create(real) as SubscriptionStore, {
    listBySlot: async (id: string) => handOut(await real.listBySlot(id)),
    getMany: async (ids: readonly string[]) => {
      if (counts.inFlight > 0) counts.readsWhileHolding += 1;
      return handOut(await real.getMany(ids));
    },
  });
  return { store, counts, queued: (n: number) => (counts.inFlight -= n) };
}

describe('streaming tick', () => {
  const fx = useJobsFixture();

  it('never holds more than one batch of a 5,000-subscription slot, and queues each digest once', async () => {
    await addMany(fx.t.core.subscriptions.store, 5_000, FIVE_QUERIES);
    const { base, queues } = createJobParts(fx.t.core, { now: workerNow });
    const counting = countingStore(base.store);
    const deliver = Object.assign(Object.create(base.deliver) as typeof base.deliver, {
      addBulk(jobs: Parameters<typeof base.deliver.addBulk>[0]) {
        counting.queued(digestsCarried(jobs));
        return base.deliver.addBulk(jobs);
      },
    });
    try {
      const outcome = await runTick(
        { ...base, store: counting.store, deliver, log },
        { slotId, firedAt, mode: 'scheduled' },
      );
      expect(outcome).toMatchObject({ status: 'done', queries: 5, queued: 5_000 });
      expect(counting.counts.maxInFlight).toBeGreaterThan(0);
      expect(counting.counts.maxInFlight).toBeLessThanOrEqual(TICK_BATCH);
      expect(counting.counts.readsWhileHolding).toBe(0);
      const jobs = await queues.deliver.getJobs(['waiting']);
      expect(digestsCarried(jobs)).toBe(5_000);
      const carried = jobs.flatMap(({ data }) => (data.kind === 'digest' ? data.subscriptionIds : []));
      expect(new Set(carried).size).toBe(5_000);
    } finally {
      await queues.close();
    }
  }, 120_000);

  it('delivers every digest exactly once when a tick killed after its first chunk is retried', async () => {
    const subs = await addMany(fx.t.core.subscriptions.store, 1_200, FIVE_QUERIES);
    const child = await startChildWorker(
      {
        REDIS_URL: fx.t.redis.url,
        TEST_PREFIX: fx.t.redis.prefix,
        KEYAPI_URL: fx.sample.url,
        CORE_NOW: '2026-11-25T12:00:00Z',
        WORKER_NOW: '2026-11-23T09:01:00Z',
        TICK_SLOT: slotId,
        TICK_FIRED_AT: String(firedAt),
      },
      resolve(import.meta.dirname, '../../helpers/tick-process.ts'),
    );
    const firstChunk = Number(child.readyLine.split(' ')[1]);
    await child.kill();
    expect(firstChunk).toBeGreaterThan(0);
    expect(firstChunk).toBeLessThan(subs.length);

    // The retry, as BullMQ runs it after the crash: it resumes after the first chunk.
    const { base, queues } = createJobParts(fx.t.core, { now: workerNow });
    let retryQueued = 0;
    const deliver = Object.assign(Object.create(base.deliver) as typeof base.deliver, {
      addBulk(jobs: Parameters<typeof base.deliver.addBulk>[0]) {
        retryQueued += digestsCarried(jobs);
        return base.deliver.addBulk(jobs);
      },
    });
    try {
      const outcome = await runTick({ ...base, deliver, log }, { slotId, firedAt, mode: 'scheduled' });
      expect(outcome).toMatchObject({ status: 'done', queued: subs.length });
      expect(retryQueued).toBe(subs.length - firstChunk);
    } finally {
      await queues.close();
    }
    fx.workers = await startTestWorkers(fx.t.core, new Map([['discord', fx.adapter]]), log, {
      now: workerNow,
      only: ['deliver'],
    });
    await waitUntil('every digest is posted', async () => (await fx.adapter.calls()).length >= subs.length);
    await waitUntil('the queues are idle', () => queuesIdle(fx.t.redis.redis, fx.t.redis.prefix));
    const calls = await fx.adapter.calls();
    expect(calls).toHaveLength(subs.length);
    expect(new Set(calls.map((c) => c.deliveryId)).size).toBe(subs.length);
    expect(new Set(calls.map((c) => c.channel))).toEqual(new Set(subs.map((s) => s.channel)));
  }, 120_000);
});
