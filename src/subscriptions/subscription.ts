/**
 * A subscription: one channel's standing order for a digest (and, optionally, rank-movement alerts),
 * as stored in Redis and validated with zod whenever it is read. Plain records; no I/O here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isRegionCode } from '../ranking/regions.js';
import { type LeaderboardQuery, rankBys, rankTypes } from '../ranking/types.js';
import { isTimeOfDay } from '../time-zone.js';
import { quietHoursSchema } from './quiet-hours.js';
import { isTimeZone, type Slot, slotId } from './slot.js';

/** A channel has at most this many subscriptions. */
export const MAX_SUBSCRIPTIONS_PER_CHANNEL = 25;
/** Climbs of at least this many places are alerted unless the subscription says otherwise. */
export const DEFAULT_ALERT_CLIMB = 5;

/** `discord:<ch>`, `slack:<team>:<ch>`, `console:<name>` (chat/channel-ref.ts; storage may not import chat). */
const channelRefSchema = z.string().regex(/^(discord:[^:]+|slack:[^:]+:[^:]+|console:[^:]+)$/);

/** The leaderboard a subscription follows; `type` is also the digest cadence. */
export const subscriptionQuerySchema = z.object({
  region: z.string().refine(isRegionCode),
  type: z.enum(rankTypes),
  by: z.enum(rankBys),
  category: z.string().max(80).optional(),
  productCategory: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  limit: z.number().int().min(1).max(50),
});

export type SubscriptionQuery = z.output<typeof subscriptionQuerySchema>;

const pauseReasons = ['gone', 'forbidden', 'archived', 'unauthorized', 'removed', 'uninstalled'] as const;

const stateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('active') }),
  z.object({
    status: z.literal('paused'),
    reason: z.enum(pauseReasons),
    /** The sentence users see for the reason. */
    detail: z.string(),
    at: z.string(),
  }),
]);

export type SubscriptionState = z.output<typeof stateSchema>;

/** A subscription id: short and free of `:`, so it can sit in BullMQ job ids and Redis keys. */
export const subscriptionIdSchema = z.string().regex(/^[a-z0-9]{4,12}$/);

/** True when `id` could name a subscription (checked before a lookup spends a Redis call). */
export function isSubscriptionId(id: string): boolean {
  return subscriptionIdSchema.safeParse(id).success;
}

export const subscriptionSchema = z.object({
  id: subscriptionIdSchema,
  channel: channelRefSchema,
  query: subscriptionQuerySchema,
  time: z.string().refine(isTimeOfDay),
  timezone: z.string().refine(isTimeZone, 'not an IANA time zone'),
  alerts: z.boolean(),
  alertClimb: z.number().int().min(1).max(100),
  /** Attach a chart to each digest; absent in records older than charts (then: digestHasChart's default). */
  chart: z.boolean().optional(),
  state: stateSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  /** The team it belongs to (src/chat/team.ts), for its monthly price; absent on older records. */
  team: z.string().optional(),
  /** Quiet hours of its alerts, in its own time zone (src/subscriptions/quiet-hours.ts). */
  quiet: quietHoursSchema.pick({ from: true, to: true }).optional(),
});

export type Subscription = z.output<typeof subscriptionSchema>;

/** Digests carry a chart unless told otherwise: weekly and monthly ones do, daily ones do not. */
export function defaultDigestChart(type: SubscriptionQuery['type']): boolean {
  return type !== 'day';
}

/** Whether this subscription's digests carry a chart. */
export function digestHasChart(sub: Pick<Subscription, 'chart' | 'query'>): boolean {
  return sub.chart ?? defaultDigestChart(sub.query.type);
}

/** A new, random subscription id: 6 characters of [a-z0-9]. */
export function newSubscriptionId(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join('');
}

/** The delivery slot a subscription belongs to. */
export function slotOf(sub: Pick<Subscription, 'query' | 'time' | 'timezone'>): Slot {
  return { cadence: sub.query.type, time: sub.time, timezone: sub.timezone };
}

export function slotIdOf(sub: Pick<Subscription, 'query' | 'time' | 'timezone'>): string {
  return slotId(slotOf(sub));
}

/** The query in canonical form: what makes two subscriptions "the same leaderboard". */
function canonical(query: SubscriptionQuery): string {
  return JSON.stringify([
    query.region,
    query.type,
    query.by,
    query.category?.toLowerCase() ?? '',
    query.productCategory ?? '',
    query.limit,
  ]);
}

/** A short stable hash of the query: snapshots and duplicate checks key on it. */
export function queryHash(query: SubscriptionQuery): string {
  return createHash('sha1').update(canonical(query)).digest('hex').slice(0, 16);
}

/** The daily query an alert subscription watches, whatever its digest cadence. */
export function dailyQuery(query: SubscriptionQuery): SubscriptionQuery {
  return { ...query, type: 'day' };
}

/** The ranking service's first-page query for a subscription's leaderboard, in the period holding `date`. */
export function leaderboardQueryOf(query: SubscriptionQuery, date?: string): LeaderboardQuery {
  return {
    region: query.region,
    type: query.type,
    by: query.by,
    category: query.category,
    productCategory: query.productCategory,
    limit: query.limit,
    date,
    page: 1,
  };
}

/** The query in words: "US weekly top 10 by sales (Beauty)". */
export function describeQuery(query: SubscriptionQuery): string {
  const cadence = { day: 'daily', week: 'weekly', month: 'monthly' }[query.type];
  const filters = [query.category, query.productCategory && `product category ${query.productCategory}`]
    .filter(Boolean)
    .join(', ');
  return `${query.region} ${cadence} top ${query.limit} by ${query.by}${filters ? ` (${filters})` : ''}`;
}
