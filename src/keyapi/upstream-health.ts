/**
 * Whether KeyAPI answered lately: the time of its last good answer and its last error, shared in Redis
 * by every process, for /toprank-status. Fed from the client's onOutcome; never fails a request.
 */

import { upstreamHealthKey } from '../keys.js';
import type { RedisClient } from '../redis-connection.js';
import type { UpstreamOutcome } from './client.js';

export interface UpstreamHealthReport {
  lastOkAt: Date | undefined;
  lastError: { outcome: string; at: Date } | undefined;
}

export interface UpstreamHealth {
  /** Notes one upstream outcome (an HTTP status, or timeout / network). */
  record(outcome: UpstreamOutcome): Promise<void>;
  read(): Promise<UpstreamHealthReport>;
}

export function createUpstreamHealth(
  redis: RedisClient,
  prefix: string,
  now = () => new Date(),
): UpstreamHealth {
  const key = upstreamHealthKey(prefix);
  return {
    async record(outcome) {
      const at = now().toISOString();
      const ok = typeof outcome === 'number' && outcome < 400;
      const fields = ok ? { okAt: at } : { errorAt: at, error: String(outcome) };
      // Health is a nicety: an unreachable Redis must not fail the request it describes.
      await redis.hset(key, fields).catch(() => {});
    },
    async read() {
      const h = await redis.hgetall(key);
      return {
        lastOkAt: h.okAt ? new Date(h.okAt) : undefined,
        lastError: h.errorAt ? { outcome: h.error ?? 'unknown', at: new Date(h.errorAt) } : undefined,
      };
    },
  };
}
