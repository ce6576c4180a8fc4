/**
 * What a local run needs besides the code: Redis (REDIS_URL, or a throwaway redis-server) and, with
 * no KEYAPI_TOKEN, the sample KeyAPI. Used by `demo` and by `query` without a key.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { type ScheduledCore, withSchedules } from '../jobs/scheduling.js';
import { startLocalRedis } from '../local-redis.js';
import { probeRedis } from '../redis-connection.js';
import { startSampleKeyApiServer } from '../sample/sample-keyapi-server.js';
import { createCore } from '../services.js';

export interface LocalStack {
  core: ScheduledCore;
  config: Config;
  /** True when the data is the built-in sample, not KeyAPI. */
  sample: boolean;
  close(): Promise<void>;
}

export async function openLocalStack(
  config: Config,
  log: Logger,
  options: { sample: boolean },
): Promise<LocalStack> {
  const closers: (() => Promise<void>)[] = [];
  let effective = config;
  try {
    if (options.sample) {
      const server = await startSampleKeyApiServer();
      closers.push(() => server.close());
      effective = { ...effective, KEYAPI_BASE_URL: server.url, KEYAPI_TOKEN: 'sample-key', KEYAPI_QPS: 50 };
    }
    if (options.sample && !process.env.REDIS_URL) {
      const redis = await startLocalRedis();
      closers.push(() => redis.stop());
      effective = { ...effective, REDIS_URL: redis.url };
    } else {
      // Fails fast, naming REDIS_URL and what is wrong with it.
      await probeRedis(effective.REDIS_URL);
    }
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
  const core = withSchedules(await createCore(effective, log), log);
  return {
    core,
    config: effective,
    sample: options.sample,
    async close() {
      await core.close();
      for (const close of closers.reverse()) await close();
    },
  };
}
