/**
 * Real Redis for a test: a connection to the run's redis-server and a unique key prefix, removed
 * afterwards, so test files can run side by side without seeing each other's keys.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export interface TestRedis {
  url: string;
  redis: Redis;
  /** A unique `{…}` hash-tagged prefix for this test's keys (and queue names). */
  prefix: string;
  /** Deletes this test's keys and closes the connection. */
  cleanup(): Promise<void>;
}

export function redisUrl(): string {
  return inject('redisUrl');
}

export async function useTestRedis(): Promise<TestRedis> {
  const url = redisUrl();
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const id = randomUUID().slice(0, 8);
  const prefix = `{t-${id}}`;
  return {
    url,
    redis,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `*t-${id}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
