/**
 * Slot schedulers on real BullMQ: the cron and zone of each cadence, the next run BullMQ computes
 * against our own wall-clock maths (Monday 09:00 New York across the end of DST, the 1st of the
 * month, daily, a time skipped by DST), created by the first subscriber, removed with the last (even
 * when a subscriber arrives while it is being removed), reconciled at start.
 */
import { Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTickQueue, queueNames, tickSettings } from '../../../src/jobs/queues.js';
import { createSchedules, type Schedules } from '../../../src/jobs/schedulers.js';
import { cronOf } from '../../../src/jobs/slot-cron.js';
import { schedulerIdOf } from '../../../src/keys.js';
import { createRedisSubscriptionStore } from '../../../src/subscriptions/redis-subscription-store.js';
import { nextFireTime, parseSlotId, slotId } from '../../../src/subscriptions/slot.js';
import { type Subscription, slotIdOf } from '../../../src/subscriptions/subscription.js';
import type { SubscriptionStore } from '../../../src/subscriptions/subscription-store.js';
import { obliterateQueues, waitUntil } from '../../helpers/jobs.js';
import { type TestRedis, useTestRedis } from '../../helpers/redis.js';
import { addMany, FIVE_QUERIES, makeSubscription } from '../../helpers/subscriptions.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('slot schedulers', () => {
  let r: TestRedis;
  let queue: ReturnType<typeof createTickQueue>;
  let schedules: Schedules;
  const store = () => createRedisSubscriptionStore(r.redis, r.prefix);

  /** The schedules over `over` (default: the Redis store itself). */
  const schedulesOver = (over: SubscriptionStore = store()) =>
    createSchedules({
      queue,
      store: over,
      redis: r.redis,
      prefix: r.prefix,
      log: createTestLog({ level: 'silent' }).log,
      catchUpWindowMs: 3 * 3600_000,
    });

  beforeEach(async () => {
    r = await useTestRedis();
    queue = createTickQueue(r.redis, r.prefix);
    schedules = schedulesOver();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await queue.close();
    await obliterateQueues(r.redis, r.prefix);
    await r.cleanup();
  });

  async function nextRun(id: string, at: string): Promise<string> {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(at) });
    await queue.removeJobScheduler(schedulerIdOf(id));
    await schedules.ensure(id);
    vi.useRealTimers();
    const scheduler = await queue.getJobScheduler(schedulerIdOf(id));
    return new Date(Number(scheduler?.next)).toISOString();
  }

  it('runs Monday 09:00 New York at 13:00 UTC in summer time and 14:00 UTC after the clocks go back', async () => {
    const id = slotId({ cadence: 'week', time: '09:00', timezone: 'America/New_York' });
    expect(cronOf(parseSlotId(id))).toBe('0 9 * * 1');
    // US summer time ends on Sunday 1 November 2026.
    expect(await nextRun(id, '2026-10-21T12:00:00Z')).toBe('2026-10-26T13:00:00.000Z');
    expect(await nextRun(id, '2026-10-28T12:00:00Z')).toBe('2026-11-02T14:00:00.000Z');
    // Our own maths (used for "next delivery") agrees with BullMQ's on both sides of the change.
    const slot = parseSlotId(id);
    expect(nextFireTime(slot, new Date('2026-10-21T12:00:00Z')).toISOString()).toBe(
      '2026-10-26T13:00:00.000Z',
    );
    expect(nextFireTime(slot, new Date('2026-10-28T12:00:00Z')).toISOString()).toBe(
      '2026-11-02T14:00:00.000Z',
    );
    // And in spring, when the clocks go forward (8 March 2026).
    expect(await nextRun(id, '2026-03-04T12:00:00Z')).toBe('2026-03-09T13:00:00.000Z');
    expect(nextFireTime(slot, new Date('2026-03-04T12:00:00Z')).toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
  });

  it('runs monthly slots on the 1st and daily slots every day, in their zone', async () => {
    const monthly = slotId({ cadence: 'month', time: '08:30', timezone: 'Europe/Paris' });
    expect(cronOf(parseSlotId(monthly))).toBe('30 8 1 * *');
    expect(await nextRun(monthly, '2026-11-25T12:00:00Z')).toBe('2026-12-01T07:30:00.000Z');
    expect(nextFireTime(parseSlotId(monthly), new Date('2026-11-25T12:00:00Z')).toISOString()).toBe(
      '2026-12-01T07:30:00.000Z',
    );
    const daily = slotId({ cadence: 'day', time: '23:45', timezone: 'Asia/Tokyo' });
    expect(cronOf(parseSlotId(daily))).toBe('45 23 * * *');
    expect(await nextRun(daily, '2026-11-25T15:00:00Z')).toBe('2026-11-26T14:45:00.000Z');
    expect(nextFireTime(parseSlotId(daily), new Date('2026-11-25T15:00:00Z')).toISOString()).toBe(
      '2026-11-26T14:45:00.000Z',
    );
  });

  it('keeps one scheduler per slot while it has subscribers and removes it with the last one', async () => {
    const a = makeSubscription({ timezone: 'Europe/Paris' });
    const b = makeSubscription({ timezone: 'Europe/Paris' });
    await store().add(a, 25);
    await schedules.ensure(slotIdOf(a));
    await store().add(b, 25);
    await schedules.ensure(slotIdOf(b));
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual([schedulerIdOf(slotIdOf(a))]);

    await store().remove(a.id);
    await schedules.release(slotIdOf(a));
    expect(await queue.getJobSchedulersCount()).toBe(1);
    await store().remove(b.id);
    await schedules.release(slotIdOf(b));
    expect(await queue.getJobSchedulersCount()).toBe(0);
  });

  it("keeps a slot's scheduler when one of its 200 subscribers leaves, without reading the others", async () => {
    const real = store();
    const subs = await addMany(real, 200, FIVE_QUERIES, { timezone: 'Europe/Paris' });
    const slot = slotIdOf(subs[0] as Subscription);
    await schedules.ensure(slot);
    let read = 0;
    const counting: SubscriptionStore = Object.assign(Object.create(real) as SubscriptionStore, {
      listBySlot: async (id: string) => {
        const found = await real.listBySlot(id);
        read += found.length;
        return found;
      },
      getMany: async (ids: readonly string[]) => {
        const found = await real.getMany(ids);
        read += found.length;
        return found;
      },
    });
    const releasing = schedulesOver(counting);
    await real.remove((subs[0] as Subscription).id);
    await releasing.release(slot);

    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual([schedulerIdOf(slot)]);
    expect(read).toBe(0);
  });

  it('fires a time skipped by DST just after the gap, as our own maths says', async () => {
    // 02:30 does not exist in New York on 8 March 2026; both BullMQ and we fire at 03:30 EDT.
    const id = slotId({ cadence: 'day', time: '02:30', timezone: 'America/New_York' });
    expect(await nextRun(id, '2026-03-08T05:00:00Z')).toBe('2026-03-08T07:30:00.000Z');
    expect(nextFireTime(parseSlotId(id), new Date('2026-03-08T05:00:00Z')).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('fires a time skipped by DST at midnight just after the gap, where cron would skip the day', async () => {
    // Chile springs forward at 00:00 on Sunday 6 September 2026: 00:30 does not exist, 01:30 (-03) does.
    const id = slotId({ cadence: 'day', time: '00:30', timezone: 'America/Santiago' });
    expect(await nextRun(id, '2026-09-05T12:00:00Z')).toBe('2026-09-06T04:30:00.000Z');
    expect(nextFireTime(parseSlotId(id), new Date('2026-09-05T12:00:00Z')).toISOString()).toBe(
      '2026-09-06T04:30:00.000Z',
    );
  });

  it('has the worker that runs the day before the gap schedule the gap day, not the day after', async () => {
    const id = slotId({ cadence: 'day', time: '00:30', timezone: 'America/Santiago' });
    // Just before 00:30 on Saturday 5 September (-04): the scheduler's first run is a moment away.
    vi.useFakeTimers({
      toFake: ['Date'],
      now: new Date('2026-09-05T04:29:59.700Z'),
      shouldAdvanceTime: true,
    });
    await schedules.ensure(id);
    const ran: number[] = [];
    const connection = r.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      queueNames.tick,
      async (job) => {
        ran.push(Number(job.opts.prevMillis));
      },
      { connection, prefix: r.prefix, settings: tickSettings },
    );
    try {
      await waitUntil('the 5 September run is done', async () => ran.length === 1);
      await waitUntil('the next run is scheduled', async () => {
        const next = Number((await queue.getJobScheduler(schedulerIdOf(id)))?.next);
        return next > (ran[0] ?? 0);
      });
    } finally {
      await worker.close();
      await connection.quit();
    }
    expect(new Date(ran[0] ?? 0).toISOString()).toBe('2026-09-05T04:30:00.000Z');
    const scheduler = await queue.getJobScheduler(schedulerIdOf(id));
    expect(new Date(Number(scheduler?.next)).toISOString()).toBe('2026-09-06T04:30:00.000Z');
  });

  it('keeps the scheduler of a subscriber who arrives while the last one leaves', async () => {
    const leaving = makeSubscription({ timezone: 'Asia/Tokyo' });
    const arriving = makeSubscription({ timezone: 'Asia/Tokyo' });
    const slot = slotIdOf(leaving);
    const real = store();
    await real.add(leaving, 25);
    await schedules.ensure(slot);

    // The subscribe runs right after release has seen the slot empty, before it removes the
    // scheduler: its ensure finds the scheduler still there and leaves it.
    let interleaved = false;
    const racing: SubscriptionStore = Object.assign(Object.create(real) as SubscriptionStore, {
      async listSlots() {
        const slots = await real.listSlots();
        if (!interleaved) {
          interleaved = true;
          await real.add(arriving, 25);
          await schedules.ensure(slotIdOf(arriving));
        }
        return slots;
      },
    });
    const releasing = schedulesOver(racing);
    await real.remove(leaving.id);
    await releasing.release(slot);

    expect(interleaved).toBe(true);
    expect(await real.listBySlot(slot)).toHaveLength(1);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual([schedulerIdOf(slot)]);
  });

  it('reconciles at start: creates missing schedulers and removes orphans', async () => {
    const sub = makeSubscription({
      time: '07:00',
      query: { region: 'US', type: 'day', by: 'sales', limit: 5 },
    });
    await store().add(sub, 25);
    await schedules.ensure('week-1200-UTC');
    const report = await schedules.reconcile(new Date('2026-11-25T12:00:00Z'));
    expect(report.ensured).toEqual([slotIdOf(sub)]);
    expect(report.removed).toEqual(['week-1200-UTC']);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual([schedulerIdOf(slotIdOf(sub))]);
  });
});
