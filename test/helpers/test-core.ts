/**
 * The real core (KeyAPI client, Redis cache, leaderboard service) for a test: pointed at a local
 * KeyAPI server, with a unique Redis prefix and a fixed "today".
 */
import { loadConfig } from '../../src/config.js';
import { type ScheduledCore, withSchedules } from '../../src/jobs/scheduling.js';
import type { Metrics } from '../../src/metrics.js';
import { createCore } from '../../src/services.js';
import { type TestRedis, useTestRedis } from './redis.js';
import { createTestLog } from './test-log.js';

/** The fixed "now" of the tests: Wednesday 25 Nov 2026, 12:00 UTC. */
export const TEST_NOW = new Date('2026-11-25T12:00:00Z');

export interface TestCore {
  core: ScheduledCore;
  redis: TestRedis;
  close(): Promise<void>;
}

export async function createTestCore(
  keyapiUrl: string,
  options: { now?: () => Date; env?: Record<string, string>; metrics?: Metrics } = {},
): Promise<TestCore> {
  const redis = await useTestRedis();
  const config = loadConfig({
    KEYAPI_BASE_URL: keyapiUrl,
    KEYAPI_TOKEN: 'test-key-123456',
    KEYAPI_QPS: '100',
    REDIS_URL: redis.url,
    ...options.env,
  });
  const log = createTestLog({ level: 'silent' }).log;
  const core = withSchedules(
    await createCore(config, log, {
      prefix: redis.prefix,
      now: options.now ?? (() => TEST_NOW),
      metrics: options.metrics,
    }),
    log,
  );
  return {
    core,
    redis,
    async close() {
      await core.close();
      await redis.cleanup();
    },
  };
}
