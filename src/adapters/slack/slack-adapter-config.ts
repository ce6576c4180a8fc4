/**
 * The Slack adapter's configuration from the environment's: one workspace's bot token, or OAuth with
 * the installations kept in Redis. Wiring only; must not import commands, the core or the jobs.
 */
import type { Config } from '../../config.js';
import type { RedisClient } from '../../redis-connection.js';
import { createRedisInstallationStore } from './redis-installation-store.js';
import type { SlackAdapterConfig } from './slack-adapter.js';

/** The adapter's configuration from the environment's, or undefined when Slack is not configured. */
export function slackAdapterConfigFrom(
  config: Config,
  deps: Pick<SlackAdapterConfig, 'services' | 'log' | 'now' | 'sample' | 'seenRequests'>,
  redis: { redis: RedisClient; prefix: string },
): SlackAdapterConfig | undefined {
  const {
    SLACK_CLIENT_ID: clientId,
    SLACK_CLIENT_SECRET: clientSecret,
    SLACK_STATE_SECRET: stateSecret,
  } = config;
  const oauth =
    clientId && clientSecret && stateSecret
      ? {
          clientId,
          clientSecret,
          stateSecret,
          installations: createRedisInstallationStore(redis.redis, redis.prefix),
        }
      : undefined;
  if (!config.SLACK_BOT_TOKEN && !oauth) return undefined;
  return {
    ...deps,
    botToken: config.SLACK_BOT_TOKEN,
    oauth,
    signingSecret: config.SLACK_SIGNING_SECRET,
    appToken: config.SLACK_APP_TOKEN,
    apiUrl: config.SLACK_API_URL,
    managers: config.SLACK_MANAGERS,
  };
}
