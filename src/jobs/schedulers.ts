/**
 * One BullMQ job scheduler per delivery slot (cron + tz: daily `M H * * *`, weekly `M H * * 1`,
 * monthly `M H 1 * *`), created when the first subscription needs it, removed when the last leaves,
 * reconciled with the store at start; plus the catch-up of a slot that fell while no worker ran.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis-connection.js';
import type { SchedulePort } from '../subscriptions/schedule-port.js';
import { parseSlotId, previousFireTime, type Slot } from '../subscriptions/slot.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { schedulerIdOf, slotIdOfScheduler, tickJobId } from './job-id.js';
import { type TickData, tickJobOptions } from './queues.js';
import { targetPeriod, tickStartedKey } from './tick-state.js';

/** The cron pattern of a slot, read in the slot's zone. */
export function cronOf(slot: Slot): string {
  const [hh = '0', mm = '0'] = slot.time.split(':');
  const at = `${Number(mm)} ${Number(hh)}`;
  if (slot.cadence === 'week') return `${at} * * 1`;
  if (slot.cadence === 'month') return `${at} 1 * *`;
  return `${at} * * *`;
}

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
  /** A slot that fell at most this long ago, with no tick started for it, is delivered late. */
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

  async function release(slotId: string): Promise<void> {
    if ((await store.listBySlot(slotId)).length > 0) return;
    if (await queue.removeJobScheduler(schedulerIdOf(slotId))) log.info({ slotId }, 'slot unscheduled');
    // A subscribe between our check and the removal saw the scheduler still there and left it to us:
    // look again, now that it is gone, and put it back for the newcomer.
    if ((await store.listBySlot(slotId)).length > 0) await ensure(slotId);
  }

  async function catchUp(slotId: string, now: Date): Promise<boolean> {
    const slot = parseSlotId(slotId);
    const firedAt = previousFireTime(slot, now).getTime();
    if (now.getTime() - firedAt > deps.catchUpWindowMs) return false;
    const period = targetPeriod(slot, firedAt);
    // A tick that started (done, waiting for data, or killed) is in Redis already: nothing to catch up.
    if (await deps.redis.exists(tickStartedKey(deps.prefix, slotId, period))) return false;
    await queue.add('tick', { slotId, firedAt }, { ...tickJobOptions, jobId: tickJobId(slotId, firedAt) });
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
