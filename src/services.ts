/**
 * The composition of the core: Redis, the KeyAPI client, the page cache and the leaderboard service,
 * built from the configuration. Every entry point (CLI, demo, bot, workers) starts here.
 */
import type { Logger } from 'pino';
import type { CommandServices } from '../commands/index.js';
import { type Config, redactUrl } from './config.js';
import { DEFAULT_TICK_TIMING } from './jobs/collect.js';
import { createTickQueue } from './jobs/queues.js';
import { createSchedules } from './jobs/schedulers.js';
import { createKeyApiClient, type KeyApiClient } from './keyapi/client.js';
import { createCreditBudget } from './keyapi/credit-budget.js';
import type { Metrics } from './metrics.js';
import { createLeaderboardService, type LeaderboardService } from './ranking/leaderboard-service.js';
import { createRedisPageCache } from './ranking/page-cache.js';
import { openRedis, type RedisClient } from './redis-connection.js';
import { createRedisSubscriptionStore } from './subscriptions/redis-subscription-store.js';
import { MAX_SUBSCRIPTIONS_PER_CHANNEL } from './subscriptions/subscription.js';

export interface Core extends CommandServices {
  /** For cache, subscriptions and markers: fails fast while Redis is down. */
  redis: RedisClient;
  /** For BullMQ queues and workers: waits for Redis however long it takes. */
  queueRedis: RedisClient;
  keyapi: KeyApiClient;
  leaderboards: LeaderboardService;
  prefix: string;
  close(): Promise<void>;
}

export interface CoreOptions {
  /** Overrides REDIS_KEY_PREFIX (tests give each run its own). */
  prefix?: string;
  now?: () => Date;
  /** Counts commands, upstream requests, cache lookups and budget refusals. */
  metrics?: Metrics;
}

export async function createCore(config: Config, log: Logger, options: CoreOptions = {}): Promise<Core> {
  // One hash tag for every key, so Redis Cluster keeps them in one slot (BullMQ requires it).
  const prefix = options.prefix ?? config.REDIS_KEY_PREFIX;
  // A single server or a cluster, as the server says (redis-connection.ts owns how we connect).
  const { redis, queueRedis } = await openRedis(config.REDIS_URL);
  queueRedis.on('error', () => {}); // the same outage is logged once, below
  // ioredis retries for ever with backoff: say so once per outage, not once per attempt.
  let redisDown = false;
  redis.on('error', (error) => {
    if (redisDown) return;
    redisDown = true;
    log.warn({ err: error.message, url: redactUrl(config.REDIS_URL) }, 'redis unreachable; retrying');
  });
  redis.on('ready', () => {
    if (!redisDown) return;
    redisDown = false;
    log.info('redis connection restored');
  });
  const cache = createRedisPageCache(redis, prefix);
  const { metrics } = options;
  const budget =
    config.KEYAPI_DAILY_CREDIT_LIMIT > 0
      ? createCreditBudget({
          redis,
          prefix,
          limit: config.KEYAPI_DAILY_CREDIT_LIMIT,
          log: log.child({ component: 'credit-budget' }),
          now: options.now,
          onRefused: metrics?.creditRefused,
        })
      : undefined;
  const keyapi = createKeyApiClient({
    baseUrl: config.KEYAPI_BASE_URL,
    token: config.KEYAPI_TOKEN,
    qps: config.KEYAPI_QPS,
    log: log.child({ component: 'keyapi' }),
    beforeRequest: budget?.take,
    onOutcome: metrics?.upstream,
  });
  const leaderboards = createLeaderboardService({
    client: keyapi,
    cache,
    log: log.child({ component: 'ranking' }),
    now: options.now,
    onCacheLookup: metrics?.cacheLookup,
  });
  // Subscriptions, and the scheduler port commands use to create and release slot schedulers.
  const store = createRedisSubscriptionStore(redis, prefix);
  const tickQueue = createTickQueue(queueRedis, prefix);
  // The queue shares `queueRedis`, whose outages `redis` logs; without a listener BullMQ prints each error.
  tickQueue.on('error', () => {});
  const schedules = createSchedules({
    queue: tickQueue,
    store,
    redis,
    prefix,
    log: log.child({ component: 'schedules' }),
    catchUpWindowMs: DEFAULT_TICK_TIMING.catchUpWindowMs,
  });
  return {
    redis,
    queueRedis,
    keyapi,
    leaderboards,
    prefix,
    categories: (region) => cache.categories(region),
    recordCommand: metrics?.command,
    subscriptions: {
      store,
      schedules,
      defaults: { time: config.DIGEST_TIME, timezone: config.DIGEST_TIMEZONE },
      maxPerChannel: MAX_SUBSCRIPTIONS_PER_CHANNEL,
    },
    async close() {
      // A Redis that is not answering would hold a graceful QUIT (and the queue's close) forever.
      if (redis.status !== 'ready') {
        redis.disconnect();
        queueRedis.disconnect();
        return;
      }
      await tickQueue.close().catch(() => {});
      await Promise.all([redis, queueRedis].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
