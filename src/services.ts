/**
 * The composition of the core: Redis, the KeyAPI client, the page cache, the leaderboard service and
 * the subscription store, built from the configuration. Every entry point (CLI, demo, bot, workers)
 * starts here; the tick queue and schedulers are added where the jobs are (src/jobs/scheduling.ts).
 */
import type { Logger } from 'pino';
import type { CommandServices } from '../commands/index.js';
import { type Config, digestReserveOf, redactUrl } from './config.js';
import { createKeyApiClient, type KeyApiClient } from './keyapi/client.js';
import { type CreditBudget, createCreditBudget } from './keyapi/credit-budget.js';
import { createUpstreamHealth } from './keyapi/upstream-health.js';
import type { Metrics } from './metrics.js';
import { createRedisHistoryStore, type HistoryStore, withHistory } from './ranking/history.js';
import { createLeaderboardService, type LeaderboardService } from './ranking/leaderboard-service.js';
import { createCacheGuard, createRedisPageCache } from './ranking/page-cache.js';
import { createRankHistory } from './ranking/rank-history.js';
import { createRegions } from './ranking/regions.js';
import { openRedis, type RedisClient } from './redis-connection.js';
import { createDeliveryStatusStore } from './subscriptions/delivery-status.js';
import { createRedisSubscriptionStore } from './subscriptions/redis-subscription-store.js';
import type { SubscriptionServices } from './subscriptions/schedule-port.js';
import { MAX_SUBSCRIPTIONS_PER_CHANNEL } from './subscriptions/subscription.js';
import { createRedisWatchlistStore } from './subscriptions/watchlist-store.js';

export interface Core extends Omit<CommandServices, 'subscriptions'> {
  /** The store and the digest defaults; the scheduler port comes with src/jobs/scheduling.ts. */
  subscriptions: Omit<SubscriptionServices, 'schedules'>;
  /** For cache, subscriptions and markers: fails fast while Redis is down. */
  redis: RedisClient;
  /** For BullMQ queues and workers: waits for Redis however long it takes. */
  queueRedis: RedisClient;
  keyapi: KeyApiClient;
  leaderboards: LeaderboardService;
  /** Every finished page fetched, kept per query and period (HISTORY_PERIODS of each). */
  history: HistoryStore;
  credits: CreditBudget;
  /** ALERTS_PER_CHANNEL_DAY: alert messages a channel gets in a UTC day; the rest fold into the next. */
  alertsPerChannelDay: number;
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
  const { metrics } = options;
  const history = createRedisHistoryStore(redis, prefix, config.HISTORY_PERIODS);
  // Leaderboards read and record history through their page cache: whatever is fetched is kept.
  const cacheReports = { log: log.child({ component: 'page-cache' }), onError: metrics?.cacheError };
  const cache = withHistory(
    createRedisPageCache(redis, prefix, cacheReports),
    history,
    createCacheGuard(redis, cacheReports),
  );
  const credits = createCreditBudget({
    redis,
    prefix,
    limits: {
      daily: config.KEYAPI_DAILY_CREDIT_LIMIT,
      digestReserve: digestReserveOf(config),
      perUserHour: config.CREDITS_PER_USER_HOUR,
      perChannelHour: config.CREDITS_PER_CHANNEL_HOUR,
      perTeamDay: config.CREDITS_PER_TEAM_DAY,
    },
    log: log.child({ component: 'credit-budget' }),
    now: options.now,
    onRefused: metrics?.creditRefused,
    onSpent: metrics?.creditSpent,
  });
  const upstreamHealth = createUpstreamHealth(redis, prefix, options.now);
  const keyapi = createKeyApiClient({
    baseUrl: config.KEYAPI_BASE_URL,
    token: config.KEYAPI_TOKEN,
    qps: config.KEYAPI_QPS,
    log: log.child({ component: 'keyapi' }),
    beforeRequest: credits.take,
    onOutcome: (outcome) => {
      metrics?.upstream(outcome);
      void upstreamHealth.record(outcome);
    },
  });
  const regions = createRegions(config.TOPRANK_EXTRA_REGIONS);
  const leaderboards = createLeaderboardService({
    client: keyapi,
    cache,
    log: log.child({ component: 'ranking' }),
    now: options.now,
    onCacheLookup: metrics?.cacheLookup,
    regions,
  });
  const store = createRedisSubscriptionStore(redis, prefix);
  return {
    redis,
    queueRedis,
    keyapi,
    leaderboards,
    history,
    rankHistory: createRankHistory({ pages: cache, leaderboards }),
    credits,
    alertsPerChannelDay: config.ALERTS_PER_CHANNEL_DAY,
    upstreamHealth,
    regions,
    prefix,
    categories: (region) => cache.categories(region),
    recordCommand: metrics?.command,
    subscriptions: {
      store,
      defaults: { time: config.DIGEST_TIME, timezone: config.DIGEST_TIMEZONE },
      maxPerChannel: MAX_SUBSCRIPTIONS_PER_CHANNEL,
      deliveries: createDeliveryStatusStore(redis, prefix),
      watchlists: createRedisWatchlistStore(redis, prefix),
    },
    async close() {
      // A Redis that is not answering would hold a graceful QUIT (and the queue's close) forever.
      if (redis.status !== 'ready') {
        redis.disconnect();
        queueRedis.disconnect();
        return;
      }
      await Promise.all([redis, queueRedis].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
