/**
 * The last delivery of each subscription, as /toprank-status shows it: delivered (when, which period),
 * failed (why; whether it is retried), waiting for the credit budget, or missed its window. Written
 * where deliveries and ticks finish (src/jobs), read by commands. One JSON value per subscription.
 */

import { z } from 'zod';
import { deliveryStatusKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';

const statusSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('delivered'), at: z.string(), period: z.string(), late: z.boolean() }),
  z.object({ status: z.literal('failed'), at: z.string(), detail: z.string(), retrying: z.boolean() }),
  z.object({ status: z.literal('waiting'), at: z.string(), detail: z.string() }),
  z.object({ status: z.literal('missed'), at: z.string(), detail: z.string() }),
]);

export type DeliveryStatus = z.output<typeof statusSchema>;

export interface DeliveryStatusStore {
  record(subscriptionId: string, status: DeliveryStatus): Promise<void>;
  /** The last status of each id, in order (undefined: nothing delivered yet). */
  get(subscriptionIds: string[]): Promise<(DeliveryStatus | undefined)[]>;
}

/** Kept well beyond a monthly digest's period, so the last one is always known. */
const STATUS_TTL_SECONDS = 90 * 24 * 3600;

export function createDeliveryStatusStore(redis: RedisClient, prefix: string): DeliveryStatusStore {
  return {
    async record(id, status) {
      await redis.set(deliveryStatusKey(prefix, id), JSON.stringify(status), 'EX', STATUS_TTL_SECONDS);
    },
    async get(ids) {
      if (ids.length === 0) return [];
      const raws = await redis.mget(...ids.map((id) => deliveryStatusKey(prefix, id)));
      return raws.map((raw) => {
        const parsed = raw === null ? undefined : statusSchema.safeParse(JSON.parse(raw));
        return parsed?.success ? parsed.data : undefined;
      });
    },
  };
}

/** A status in words: "delivered Mon 23 Nov 09:01 UTC (week-2026-11-16)". */
export function describeDeliveryStatus(status: DeliveryStatus | undefined): string {
  if (!status) return 'nothing delivered yet';
  const at = `${status.at.slice(0, 16).replace('T', ' ')} UTC`;
  switch (status.status) {
    case 'delivered':
      return `delivered ${at} (${status.period})${status.late ? ', late: the credit budget was spent when due' : ''}`;
    case 'failed':
      return `failed ${at}: ${status.detail}${status.retrying ? ' (retrying)' : ''}`;
    case 'waiting':
      return `waiting since ${at}: ${status.detail}`;
    case 'missed':
      return `missed ${at}: ${status.detail}`;
  }
}
