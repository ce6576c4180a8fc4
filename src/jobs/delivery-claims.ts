/**
 * Deliveries claimed in their sent markers (src/keys.ts `sentKey`). A digest job claims its deliveries
 * (a share at a time, once it has room to post them) before posting any, so two jobs that carry the
 * same delivery (a tick retried after a crash, whose scan regrouped the slot) never both post it. A
 * marker holds the claiming job until the post is done, then the message id, for good; a claim on a
 * delivery known not to have gone out is released, so a later job (the retry, a catch-up) may post it.
 */
import { sentKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { evalScript } from '../redis-script.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

/**
 * `claimed`: this job's now. `retried`: this job's already, from a try whose outcome is unknown.
 * `sent`: posted before. `taken`: another job's.
 */
export type Claim = 'claimed' | 'retried' | 'sent' | 'taken';

/** A message id never has a space: a marker that starts with this is a claim. */
const CLAIM = 'claim ';

const claimScript = `
local out = {}
for i, key in ipairs(KEYS) do
  local held = redis.call('GET', key)
  if not held then
    redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
    out[i] = 'claimed'
  elseif held == ARGV[1] then out[i] = 'retried'
  elseif string.sub(held, 1, ${CLAIM.length}) == '${CLAIM}' then out[i] = 'taken'
  else out[i] = 'sent' end
end
return out`;

export interface DeliveryClaims {
  /** Claims the deliveries for the job, all in one script; says what each one's marker held. */
  claim(jobId: string, deliveryIds: readonly string[]): Promise<Claim[]>;
  /** The delivery is posted: its marker holds the message id from now on. */
  markSent(deliveryId: string, messageId: string): Promise<void>;
  /** Which of the deliveries are posted. */
  posted(deliveryIds: readonly string[]): Promise<boolean[]>;
  /** The deliveries did not go out: another job may post them. */
  release(deliveryIds: readonly string[]): Promise<void>;
}

export function createDeliveryClaims(redis: RedisClient, prefix: string): DeliveryClaims {
  return {
    async claim(jobId, deliveryIds) {
      if (deliveryIds.length === 0) return [];
      const keys = deliveryIds.map((id) => sentKey(prefix, id));
      return (await evalScript(
        redis,
        claimScript,
        keys.length,
        ...keys,
        `${CLAIM}${jobId}`,
        String(MARKER_TTL_SECONDS),
      )) as Claim[];
    },
    async markSent(deliveryId, messageId) {
      await redis.set(sentKey(prefix, deliveryId), messageId, 'EX', MARKER_TTL_SECONDS);
    },
    async posted(deliveryIds) {
      if (deliveryIds.length === 0) return [];
      const held = await redis.mget(...deliveryIds.map((id) => sentKey(prefix, id)));
      return held.map((marker) => marker !== null && !marker.startsWith(CLAIM));
    },
    async release(deliveryIds) {
      // One hash tag for every key: a multi-key DEL stays in one cluster slot.
      if (deliveryIds.length > 0) await redis.del(...deliveryIds.map((id) => sentKey(prefix, id)));
    },
  };
}
