/**
 * A channel's alert outbox in Redis: the items its checks found, each taken once (a rerun adds
 * nothing), waiting until the alert policy lets a message go; then claimed as one batch under the
 * delivery id that posts it, so a retry after an unknown outcome posts the same batch under the same
 * id (the adapter's dedup), and counted per UTC day for the cap. Keys from src/keys.ts, under the team.
 */
import { z } from 'zod';
import type { AlertItem, HoldReason } from '../chat/alert-view.js';
import { alertInflightKey, alertItemsSeenKey, alertOutboxKey, alertsSentKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { type QuietHours, quietHoursSchema } from '../subscriptions/quiet-hours.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

/** Whose alerts: a channel of a team (every key names both). */
export interface AlertStream {
  team: string;
  channel: string;
}

const cellSchema = z.union([z.string(), z.object({ text: z.string(), url: z.string() })]);
const itemSchema = z.object({
  id: z.string(),
  title: z.string(),
  rows: z.array(z.array(cellSchema)),
  footer: z.string(),
  sample: z.boolean().optional(),
  late: z.literal('budget').optional(),
  quiet: quietHoursSchema.optional(),
  /** When it was found (ms): items post oldest first. */
  at: z.number(),
});

/** An item as the outbox keeps it: with the quiet hours of the subscription or watchlist it is from. */
export type WaitingAlert = AlertItem & { quiet?: QuietHours | undefined };

/** A batch being posted: the delivery id it is posted under, its items, and why it was held, if it was. */
export interface AlertBatch {
  id: string;
  items: AlertItem[];
  held: HoldReason | undefined;
  /** It was claimed by an earlier attempt: that attempt may have posted it. */
  resumed: boolean;
  /** When it was claimed (ms, the process clock). */
  claimedAt: number;
}

/** The hash field that remembers why the waiting items were held (never an item id). */
const HELD_FIELD = '~held';
const BATCH_FIELD = '~batch';
const CLAIMED_FIELD = '~claimed';

// KEYS: seen set, outbox. ARGV: item id, item JSON, ttl.
const addScript = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

// KEYS: outbox, inflight. ARGV: batch id, now. The waiting items become the batch, unless one is in flight.
const claimScript = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'resumed' end
if redis.call('HLEN', KEYS[1]) <= (redis.call('HEXISTS', KEYS[1], '${HELD_FIELD}')) then return 'empty' end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], '${BATCH_FIELD}', ARGV[1], '${CLAIMED_FIELD}', ARGV[2])
return 'claimed'`;

// KEYS: inflight, sent counter. ARGV: batch id, ttl of the counter.
const finishScript = `
if redis.call('HGET', KEYS[1], '${BATCH_FIELD}') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`;

export interface AlertOutbox {
  /** Adds an item unless the channel ever took one of that id; true when added. */
  add(stream: AlertStream, item: WaitingAlert, at: Date): Promise<boolean>;
  /** The items waiting (not yet in a batch), oldest first. */
  waiting(stream: AlertStream): Promise<WaitingAlert[]>;
  /** Remembers why the waiting items are held, for the message that finally carries them. */
  hold(stream: AlertStream, reason: HoldReason): Promise<void>;
  /** The batch in flight, else the waiting items as a new batch named `batchId`; undefined when none. */
  claim(stream: AlertStream, batchId: string): Promise<AlertBatch | undefined>;
  /** The batch was posted: it is done, and counts against the channel's day. */
  finish(stream: AlertStream, batchId: string, day: string): Promise<void>;
  /** Alert messages posted to the channel on a UTC day. */
  sentOn(stream: AlertStream, day: string): Promise<number>;
}

function itemsOf(fields: Record<string, string>): WaitingAlert[] {
  return Object.entries(fields)
    .filter(([field]) => !field.startsWith('~'))
    .map(([, json]) => itemSchema.parse(JSON.parse(json)))
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))
    .map(({ at: _at, ...item }) => item);
}

const heldOf = (fields: Record<string, string>) => fields[HELD_FIELD] as HoldReason | undefined;

export function createAlertOutbox(redis: RedisClient, prefix: string): AlertOutbox {
  const keys = (s: AlertStream) => ({
    outbox: alertOutboxKey(prefix, s.team, s.channel),
    inflight: alertInflightKey(prefix, s.team, s.channel),
    seen: alertItemsSeenKey(prefix, s.team, s.channel),
  });
  return {
    async add(stream, item, at) {
      const k = keys(stream);
      const json = JSON.stringify({ ...item, at: at.getTime() });
      return (await redis.eval(addScript, 2, k.seen, k.outbox, item.id, json, MARKER_TTL_SECONDS)) === 1;
    },
    async waiting(stream) {
      return itemsOf(await redis.hgetall(keys(stream).outbox));
    },
    async hold(stream, reason) {
      await redis.hset(keys(stream).outbox, HELD_FIELD, reason);
    },
    async claim(stream, batchId) {
      const k = keys(stream);
      const result = await redis.eval(claimScript, 2, k.outbox, k.inflight, batchId, Date.now());
      if (result === 'empty') return undefined;
      const fields = await redis.hgetall(k.inflight);
      const id = fields[BATCH_FIELD];
      if (!id) return undefined;
      const claimedAt = Number(fields[CLAIMED_FIELD] ?? 0);
      return { id, items: itemsOf(fields), held: heldOf(fields), resumed: result === 'resumed', claimedAt };
    },
    async finish(stream, batchId, day) {
      const k = keys(stream);
      const counter = alertsSentKey(prefix, stream.team, stream.channel, day);
      await redis.eval(finishScript, 2, k.inflight, counter, batchId, 3 * 24 * 3600);
    },
    async sentOn(stream, day) {
      return Number((await redis.get(alertsSentKey(prefix, stream.team, stream.channel, day))) ?? 0);
    },
  };
}
