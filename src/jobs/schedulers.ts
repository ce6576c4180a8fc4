/**
 * One BullMQ job scheduler per delivery slot (its pattern in ./slot-cron.ts), created when the first
 * subscription needs it, removed when the last leaves, reconciled with the store at start; plus the
 * catch-up of a slot that fell while no worker ran.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { schedulerIdOf, slotIdOfScheduler, tickDoneKey, tickJobId } from '../keys.js';
import { periodKey } from '../ranking/period.js';
import type { RedisClient } from '../redis-connection.js';
import type { SchedulePort } from '../subscriptions/schedule-port.js';
import { parseSlotId, previousFireTime } from '../subscriptions/slot.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { type TickData, tickJobOptions } from './queues.js';
import { cronOf } from './slot-cron.js';
import { targetPeriod } from './tick-state.js';

export interface ReconcileReport {
  ensured: string[];
  removed: string[];
  caughtUp: string[];
}

export interface Schedules extends SchedulePort {
  /** Makes the schedulers match the store's slots, and queues the catch-up ticks. */
  reconcile(now: Date): Promise<ReconcileReport>;
}

export interface SchedulesDeps {
  queue: Queue<TickData>;
  store: SubscriptionStore;
  redis: RedisClient;
  prefix: string;
  log: Logger;
  /** A slot that fell at most this long ago, with no tick done for it, is delivered late. */
  catchUpWindowMs: number;
}

export function createSchedules(deps: SchedulesDeps): Schedules {
  const { queue, store, log } = deps;

  async function ensure(slotId: string): Promise<void> {
    const slot = parseSlotId(slotId);
    const id = schedulerIdOf(slotId);
    const pattern = cronOf(slot);
    const existing = await queue.getJobScheduler(id);
    // Upserting an unchanged scheduler would replace its pending job, losing a missed slot.
    if (existing && existing.pattern === pattern && existing.tz === slot.timezone) return;
    await queue.upsertJobScheduler(
      id,
      { pattern, tz: slot.timezone },
      { name: 'tick', data: { slotId }, opts: tickJobOptions },
    );
    log.info({ slotId, pattern, tz: slot.timezone }, 'slot scheduled');
  }

  // Asked of the store's list of live slots, never of the slot's own subscriptions: an unsubscribe from
  // a slot of a million reads no more than one from a slot of two.
  const isLive = async (slotId: string) => (await store.listSlots()).includes(slotId);

  async function release(slotId: string): Promise<void> {
    if (await isLive(slotId)) return;
    if (await queue.removeJobScheduler(schedulerIdOf(slotId))) log.info({ slotId }, 'slot unscheduled');
    // A subscribe between our check and the removal saw the scheduler still there and left it to us:
    // look again, now that it is gone, and put it back for the newcomer.
    if (await isLive(slotId)) await ensure(slotId);
  }

  async function catchUp(slotId: string, now: Date): Promise<boolean> {
    const slot = parseSlotId(slotId);
    const firedAt = previousFireTime(slot, now).getTime();
    if (now.getTime() - firedAt > deps.catchUpWindowMs) return false;
    const period = targetPeriod(slot, firedAt);
    // Decided on "done", never "started": a tick that started and failed (or was killed) is caught up.
    // A tick still waiting for data may get a second run beside it; delivery ids keep digests single.
    if (await deps.redis.exists(tickDoneKey(deps.prefix, slotId, periodKey(period)))) return false;
    const jobId = tickJobId(slotId, firedAt);
    // BullMQ ignores an add under the id of a job it keeps as failed: clear that one first.
    const earlier = await queue.getJob(jobId);
    if (earlier && (await earlier.isFailed())) await earlier.remove();
    await queue.add('tick', { slotId, firedAt }, { ...tickJobOptions, jobId });
    log.info({ slotId, firedAt: new Date(firedAt).toISOString() }, 'missed slot queued for catch-up');
    return true;
  }

  return {
    ensure,
    release,
    async reconcile(now) {
      const report: ReconcileReport = { ensured: [], removed: [], caughtUp: [] };
      const slots = await store.listSlots();
      for (const slotId of slots) {
        await ensure(slotId);
        report.ensured.push(slotId);
        if (await catchUp(slotId, now)) report.caughtUp.push(slotId);
      }
      const live = new Set(slots);
      for (const scheduler of await queue.getJobSchedulers(0, -1)) {
        const slotId = slotIdOfScheduler(scheduler.key);
        if (slotId === undefined || live.has(slotId)) continue;
        await queue.removeJobScheduler(scheduler.key);
        report.removed.push(slotId);
      }
      return report;
    },
  };
}
