/**
 * `toprank start [--role all|bot|worker]`: the long-running process. `bot` serves Discord, Slack and
 * HTTP; `worker` runs the BullMQ workers and schedulers (posting through the platforms' REST APIs
 * only); `all` does both. Every role serves GET /healthz on PORT, and GET /metrics there too unless
 * METRICS_PORT gives it a port of its own (then PORT no longer serves it). SIGTERM lets
 * in-flight answers and jobs finish, then closes cleanly.
 */
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import { createDiscordAdapter } from '../adapters/discord/discord-adapter.js';
import { createInteractionClaim } from '../adapters/discord/interaction-claim.js';
import {
  createInteractionsEndpoint,
  DISCORD_INTERACTIONS_PATH,
} from '../adapters/discord/interactions-endpoint.js';
import { createRedisSeenRequests } from '../adapters/slack/request-guard.js';
import { createSlackAdapter } from '../adapters/slack/slack-adapter.js';
import { slackAdapterConfigFrom } from '../adapters/slack/slack-adapter-config.js';
import type { Platform } from '../chat/channel-ref.js';
import type { ChatAdapter } from '../chat/chat-adapter.js';
import type { Config } from '../config.js';
import { ToprankError } from '../errors.js';
import { healthRoute, metricsRoute } from '../http/health.js';
import { createHttpServer, type HttpServer, type RouteHandler } from '../http/server.js';
import { type ScheduledCore, withSchedules } from '../jobs/scheduling.js';
import { type RunningWorkers, startWorkers } from '../jobs/worker.js';
import { createMetrics } from '../metrics.js';
import { probeRedis } from '../redis-connection.js';
import { createCore } from '../services.js';

export const roles = ['all', 'bot', 'worker'] as const;
export type Role = (typeof roles)[number];

/** How long SIGTERM waits for running jobs before leaving them to another worker's retry. */
const SHUTDOWN_GRACE_MS = 25_000;

/** Reads `--role`; anything else is refused by name. */
export function parseRole(args: string[]): Role {
  const at = args.indexOf('--role');
  const value = at === -1 ? 'all' : args[at + 1];
  const unknown = args.filter((a, i) => a !== '--role' && i !== at + 1);
  if (unknown.length > 0 || !roles.includes(value as Role)) {
    throw new ToprankError('invalid_option', {
      option: '--role',
      value: String(value ?? unknown[0]),
      allowed: 'all, bot or worker',
    });
  }
  return value as Role;
}

export interface RunningBot {
  port: number;
  /** The port /metrics is served on: METRICS_PORT's when set, else `port`. */
  metricsPort: number;
  /** Stops everything in order: HTTP, chat, jobs, Redis. */
  stop(): Promise<void>;
}

export interface PlatformAdapters {
  /** Every platform this process can post to (jobs use these). */
  adapters: Map<Platform, ChatAdapter>;
  /** Those to start and health-check: all of them for the bot; for a worker, only what posting needs. */
  live: ChatAdapter[];
  /** Bolt's listener for POST /slack/events (Slack in HTTP mode). */
  slackListener: RequestListener | undefined;
  /**
   * Platform routes of the bot role: POST /discord/interactions (DISCORD_PUBLIC_KEY set), GET
   * /slack/install and /slack/oauth_redirect (Slack OAuth).
   */
  routes: Record<string, RouteHandler>;
}

/** The configured platforms. `serve` takes users' commands too (gateway session, Socket Mode). */
export function createPlatformAdapters(
  config: Config,
  core: ScheduledCore,
  log: Logger,
  serve: boolean,
): PlatformAdapters {
  const adapters = new Map<Platform, ChatAdapter>();
  const live: ChatAdapter[] = [];
  let slackListener: RequestListener | undefined;
  const routes: Record<string, RouteHandler> = {};
  if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID) {
    const publicKey = config.DISCORD_PUBLIC_KEY;
    const shards = config.DISCORD_SHARDS;
    const discord = createDiscordAdapter({
      token: config.DISCORD_TOKEN,
      applicationId: config.DISCORD_APPLICATION_ID,
      apiUrl: config.DISCORD_API_URL,
      services: core,
      log: log.child({ component: 'discord' }),
      interactions: publicKey ? 'http' : 'gateway',
      shards: shards === undefined ? undefined : { count: shards, ids: config.DISCORD_SHARD_IDS },
      // However many bot processes receive an interaction, one answers it.
      claim: createInteractionClaim(core.redis, core.prefix),
    });
    adapters.set('discord', discord);
    // Posting needs only REST; a gateway session would also take users' interactions.
    if (serve) live.push(discord);
    if (serve && publicKey) {
      routes[`POST ${DISCORD_INTERACTIONS_PATH}`] = createInteractionsEndpoint({
        publicKey,
        handle: (payload, first) => discord.handleInteraction(payload, first),
        log,
      });
    }
  }
  const slackConfig = slackAdapterConfigFrom(
    config,
    {
      services: core,
      log: log.child({ component: 'slack' }),
      seenRequests: createRedisSeenRequests(core.redis, core.prefix),
    },
    { redis: core.redis, prefix: core.prefix },
  );
  if (slackConfig) {
    // Without an app token there is no Socket Mode connection to take users' commands on.
    const slack = createSlackAdapter(serve ? slackConfig : { ...slackConfig, appToken: undefined });
    adapters.set('slack', slack);
    // start() checks the token and learns the bot's id, which the duplicate check needs.
    live.push(slack);
    if (serve) {
      slackListener = slack.requestListener;
      // OAuth: the "Add to Slack" page and the redirect, on the same server as /slack/events.
      Object.assign(routes, slack.installRoutes);
    }
  }
  return { adapters, live, slackListener, routes };
}

export async function startBot(config: Config, log: Logger, role: Role): Promise<RunningBot> {
  // A Redis that cannot work stops the start in one sentence, before any worker or retry loop begins.
  await probeRedis(config.REDIS_URL);
  const metrics = createMetrics();
  const core = withSchedules(await createCore(config, log, { metrics }), log);
  const { adapters, live, slackListener, routes } = createPlatformAdapters(
    config,
    core,
    log,
    role !== 'worker',
  );
  if (adapters.size === 0) {
    log.warn(
      'neither Discord nor Slack is configured: serving health and metrics only (see README, Going live)',
    );
  }

  let workers: RunningWorkers | undefined;
  let http: HttpServer | undefined;
  let metricsHttp: HttpServer | undefined;
  async function shutdown(): Promise<void> {
    await Promise.all([http?.close(), metricsHttp?.close()]);
    await workers?.close(SHUTDOWN_GRACE_MS);
    await Promise.allSettled(live.map((adapter) => adapter.stop()));
    await core.close();
  }
  try {
    await Promise.all(live.map((adapter) => adapter.start()));
    if (role !== 'bot') {
      workers = await startWorkers({
        core,
        adapters,
        log: log.child({ component: 'jobs' }),
        options: { observe: metrics },
      });
    }
    const metricsRoutes = { 'GET /metrics': metricsRoute(metrics) };
    const separate = config.METRICS_PORT !== undefined;
    http = createHttpServer({
      port: config.PORT,
      log,
      slack: slackListener,
      routes: {
        ...routes,
        'GET /healthz': healthRoute({ redis: core.redis, adapters: live, role }),
        ...(separate ? {} : metricsRoutes),
      },
    });
    const port = await http.listen();
    if (separate)
      metricsHttp = createHttpServer({ port: config.METRICS_PORT ?? 0, log, routes: metricsRoutes });
    const metricsPort = metricsHttp ? await metricsHttp.listen() : port;
    log.info({ role, port, metricsPort, platforms: live.map((a) => a.platform) }, 'toprank started');
    return {
      port,
      metricsPort,
      async stop() {
        await shutdown();
        log.info('toprank stopped');
      },
    };
  } catch (error) {
    // A half-started bot must not linger (open sockets would keep the process alive, unhealthy).
    await shutdown();
    throw error;
  }
}
