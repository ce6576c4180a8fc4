/**
 * The scheduling side of one process, built once on the core's connections: the tick queue and the
 * slot schedulers. Commands reach them as their SchedulePort; the workers and the CLI reuse the same
 * queue and schedulers. src/services.ts builds the core only and knows nothing of BullMQ.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Core } from '../services.js';
import type { SubscriptionServices } from '../subscriptions/schedule-port.js';
import { DEFAULT_TICK_TIMING } from './collect.js';
import { createTickQueue, type TickData } from './queues.js';
import { createSchedules, type Schedules } from './schedulers.js';

/** The core with its scheduling: everything commands, the bot and the workers need. */
export interface ScheduledCore extends Core {
  subscriptions: SubscriptionServices;
  tickQueue: Queue<TickData>;
  schedules: Schedules;
}

export function withSchedules(core: Core, log: Logger): ScheduledCore {
  const tickQueue = createTickQueue(core.queueRedis, core.prefix);
  // The queue shares `queueRedis`, whose outages the core logs; without a listener BullMQ prints each error.
  tickQueue.on('error', () => {});
  const schedules = createSchedules({
    queue: tickQueue,
    store: core.subscriptions.store,
    redis: core.redis,
    prefix: core.prefix,
    log: log.child({ component: 'schedules' }),
    catchUpWindowMs: DEFAULT_TICK_TIMING.catchUpWindowMs,
  });
  return {
    ...core,
    tickQueue,
    schedules,
    subscriptions: { ...core.subscriptions, schedules },
    async close() {
      // A Redis that is not answering would hold the queue's close forever; the core disconnects it.
      if (core.redis.status === 'ready') await tickQueue.close().catch(() => {});
      await core.close();
    },
  };
}
