/**
 * A tick's progress through its slot, kept in one Redis hash so that a tick killed half-way and retried
 * continues where it was: the pass, the scan cursor reached, and per query whether it was ready (with
 * the period shown) or not in a pass. Must not import the store or the queues: it only keeps the record.
 */
import { tickProgressKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import { evalScript } from '../redis-script.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

/** A query whose digests were queued in `pass` (they show `shownKey`). */
export interface ReadyQuery {
  pass: number;
  shownKey: string;
  fellBack: boolean;
}

export interface PassEnd {
  /** Every query was ready throughout the pass. */
  clean: boolean;
  queued: number;
  queries: number;
  fellBack: number;
}

export interface TickProgress {
  /** The pass to run and the cursor to resume from ('0': from the start). */
  begin(): Promise<{ pass: number; cursor: string }>;
  /** The query's ready record, unless some runner saw it not ready since. */
  readyRecord(hash: string): Promise<ReadyQuery | undefined>;
  markReady(hash: string, ready: ReadyQuery): Promise<void>;
  /** Recorded before its subscribers are passed over, so the pass cannot count as clean. */
  markUnready(hash: string, pass: number): Promise<void>;
  /** Everything before `cursor` is queued; a runner of a finished pass changes nothing. */
  advance(pass: number, cursor: string, queued: number): Promise<void>;
  /** Ends the pass; one that was not clean makes the next run start a new pass from the top. */
  endPass(pass: number): Promise<PassEnd>;
  clear(): Promise<void>;
}

const readyScript = `
if redis.call('HEXISTS', KEYS[1], 'ready:' .. ARGV[1]) == 0 then
  redis.call('HINCRBY', KEYS[1], 'queries', 1)
  if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[1], 'fell-back', 1) end
end
redis.call('HSET', KEYS[1], 'ready:' .. ARGV[1], ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[4])`;

const advanceScript = `
if redis.call('HGET', KEYS[1], 'pass') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'cursor', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'queued', ARGV[3])
return 1`;

const endPassScript = `
local clean = redis.call('HEXISTS', KEYS[1], 'dirty:' .. ARGV[1]) == 0
if not clean and redis.call('HGET', KEYS[1], 'pass') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'pass', tostring(tonumber(ARGV[1]) + 1), 'cursor', '0')
end
local counts = redis.call('HMGET', KEYS[1], 'queued', 'queries', 'fell-back')
return {clean and 1 or 0, counts[1] or '0', counts[2] or '0', counts[3] or '0'}`;

export function createTickProgress(
  redis: RedisClient,
  prefix: string,
  slotId: string,
  periodKey: string,
): TickProgress {
  const key = tickProgressKey(prefix, slotId, periodKey);
  return {
    async begin() {
      await redis.hsetnx(key, 'pass', '1');
      await redis.expire(key, MARKER_TTL_SECONDS);
      const [pass, cursor] = await redis.hmget(key, 'pass', 'cursor');
      return { pass: Number(pass), cursor: cursor ?? '0' };
    },
    async readyRecord(hash) {
      const [ready, unready] = await redis.hmget(key, `ready:${hash}`, `unready:${hash}`);
      if (!ready) return undefined;
      const [pass, shownKey, fellBack] = ready.split(' ');
      if (unready !== null && Number(unready) >= Number(pass)) return undefined;
      return { pass: Number(pass), shownKey: String(shownKey), fellBack: fellBack === '1' };
    },
    async markReady(hash, ready) {
      await evalScript(
        redis,
        readyScript,
        1,
        key,
        hash,
        String(ready.pass),
        ready.shownKey,
        ready.fellBack ? '1' : '0',
      );
    },
    async markUnready(hash, pass) {
      await redis.hset(key, `unready:${hash}`, String(pass), `dirty:${pass}`, '1');
    },
    async advance(pass, cursor, queued) {
      await evalScript(redis, advanceScript, 1, key, String(pass), cursor, String(queued));
    },
    async endPass(pass) {
      const [clean, queued, queries, fellBack] = (await evalScript(
        redis,
        endPassScript,
        1,
        key,
        String(pass),
      )) as [number, string, string, string];
      return {
        clean: clean === 1,
        queued: Number(queued),
        queries: Number(queries),
        fellBack: Number(fellBack),
      };
    },
    async clear() {
      await redis.del(key);
    },
  };
}
