/**
 * The three queues (tick, deliver, alerts), their zod-validated payloads (ids only, never objects)
 * and default job options. Queue names use `-`, never `:`; BullMQ's `prefix` is our one hash-tagged
 * key prefix, so every key BullMQ writes lives in one Redis Cluster slot with ours.
 */
import { Queue } from 'bullmq';
import { z } from 'zod';
import { isValidDate, parsePeriodKey } from '../ranking/period.js';
import type { RedisClient } from '../redis-connection.js';
import { subscriptionIdSchema } from '../subscriptions/subscription.js';
import { slotRepeatStrategy } from './slot-cron.js';

export const queueNames = {
  tick: 'toprank-tick',
  deliver: 'toprank-deliver',
  alerts: 'toprank-alerts',
} as const;

const periodKeySchema = z.string().refine((key) => parsePeriodKey(key) !== undefined);
const dateSchema = z.string().refine(isValidDate);
const idSchema = subscriptionIdSchema;

/** A tick of one slot: from a scheduler (fire time from the job) or added with a fire time or period. */
export const tickDataSchema = z.object({
  slotId: z.string().min(1),
  firedAt: z.number().int().optional(),
  periodKey: periodKeySchema.optional(),
});
export type TickData = z.output<typeof tickDataSchema>;

/**
 * The most digests one delivery job carries: one query's subscribers from a tick batch, so that a
 * delivery's share of the queue's round trips (adding, fetching, finishing its job) is a fraction.
 */
export const DIGESTS_PER_JOB = 50;

export const deliverDataSchema = z.discriminatedUnion('kind', [
  /** Digests of one query for one period, each its own delivery (./deliver.ts). */
  z.object({
    kind: z.literal('digest'),
    subscriptionIds: z.array(idSchema).min(1).max(DIGESTS_PER_JOB),
    /** The period the slot was for (names the delivery). */
    periodKey: periodKeySchema,
    /** The period shown: the same, or an earlier one when that was not published by the deadline. */
    shownKey: periodKeySchema,
    /** Set when the delivery comes late, and why (the credit budget was spent when it was due). */
    late: z.enum(['budget']).optional(),
  }),
  /** A channel's waiting alerts (rank and watch alike), posted as one message (./alert-flush.ts). */
  z.object({ kind: z.literal('alerts'), team: z.string().min(1), channel: z.string().min(1) }),
]);
export type DeliverData = z.output<typeof deliverDataSchema>;

export const alertCheckDataSchema = z.object({ date: dateSchema.optional() });
export type AlertCheckData = z.output<typeof alertCheckDataSchema>;

const day = 24 * 3600;

/**
 * Finished delivery jobs kept, by age and count, so the queue's memory stays bounded at any audience:
 * exactly-once rests on the sent markers (src/keys.ts `sentKey`), which every delivery claims first
 * (./delivery-claims.ts), not on finished jobs lingering. Failed ones are kept longer, for the operator.
 */
export const DELIVERY_JOBS_KEPT = { completed: 1_000, failed: 5_000 } as const;

/** Deliveries retry transient failures with backoff; finished jobs are trimmed (see above). */
export const deliverJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: day, count: DELIVERY_JOBS_KEPT.completed },
  removeOnFail: { age: 7 * day, count: DELIVERY_JOBS_KEPT.failed },
} as const;

export const tickJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 7 * day, count: 1_000 },
  removeOnFail: { age: 30 * day, count: 1_000 },
} as const;

export interface Queues {
  tick: Queue<TickData>;
  deliver: Queue<DeliverData>;
  alerts: Queue<AlertCheckData>;
  close(): Promise<void>;
}

/** How the tick queue, and every worker of it, computes a slot scheduler's next run. */
export const tickSettings = { repeatStrategy: slotRepeatStrategy };

/** The tick queue alone: what the command side needs to manage slot schedulers. */
export function createTickQueue(connection: RedisClient, prefix: string): Queue<TickData> {
  return new Queue<TickData>(queueNames.tick, { connection, prefix, settings: tickSettings });
}

/**
 * The queues on a shared connection (BullMQ does not close a connection it was given). A process
 * passes the tick queue it already has (src/jobs/scheduling.ts), which stays its owner's to close.
 */
export function createQueues(connection: RedisClient, prefix: string, tickQueue?: Queue<TickData>): Queues {
  const options = { connection, prefix };
  const tick = tickQueue ?? createTickQueue(connection, prefix);
  const deliver = new Queue<DeliverData>(queueNames.deliver, options);
  const alerts = new Queue<AlertCheckData>(queueNames.alerts, options);
  return {
    tick,
    deliver,
    alerts,
    async close() {
      await Promise.all([tickQueue ? undefined : tick.close(), deliver.close(), alerts.close()]);
    },
  };
}
