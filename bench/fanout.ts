/**
 * Fan-out figure: 10,000 subscriptions over K distinct queries, one weekly tick through real BullMQ
 * workers and Redis, delivered to in-process fake platforms that enforce the documented rate limits
 * (Discord 50 requests/s per bot; Slack 1 message/s per channel), scaled in time so it runs in seconds.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { ChannelRef, Platform } from '../src/chat/channel-ref.js';
import type { ChatAdapter, PostedRef, SendOptions } from '../src/chat/chat-adapter.js';
import { loadConfig } from '../src/config.js';
import { createQueues } from '../src/jobs/queues.js';
import { withSchedules } from '../src/jobs/scheduling.js';
import { startWorkers } from '../src/jobs/worker.js';
import { startLocalRedis } from '../src/local-redis.js';
import { pagesPerRun } from '../src/ranking/price.js';
import { startSampleKeyApiServer } from '../src/sample/sample-keyapi-server.js';
import { createCore } from '../src/services.js';
import type { Subscription, SubscriptionQuery } from '../src/subscriptions/subscription.js';

const SUBSCRIPTIONS = 10_000;
const DISTINCT_QUERIES = 20;
const SLACK_CHANNELS = 400;
const SLACK_PER_CHANNEL = 10;
/** Every limit is multiplied by this (time runs this much faster), so the run takes seconds, not minutes. */
const SCALE = 20;
const DISCORD_PER_SECOND = 50 * SCALE;
const SLACK_PER_CHANNEL_PER_SECOND = 1 * SCALE;

interface FakePlatform extends ChatAdapter {
  accepted: Map<string, number>;
  rejected: number;
}

/** A platform that answers 429 past its limit: Discord per bot (sliding second), Slack per channel. */
function fakePlatform(platform: Platform, perSecond: number, perChannel: boolean): FakePlatform {
  const recent = new Map<string, number[]>();
  const accepted = new Map<string, number>();
  const fake: FakePlatform = {
    platform,
    accepted,
    rejected: 0,
    async start() {},
    async stop() {},
    isReady: () => true,
    async send(to: ChannelRef, _view, options: SendOptions = {}): Promise<PostedRef> {
      const bucket = perChannel ? to : platform;
      const now = performance.now();
      const window = (recent.get(bucket) ?? []).filter((t) => now - t < 1000);
      if (window.length >= perSecond) {
        fake.rejected += 1;
        throw new Error('429 rate limited');
      }
      window.push(now);
      recent.set(bucket, window);
      const id = options.deliveryId ?? randomUUID();
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
      return { channel: to, messageId: id, duplicate: false };
    },
  };
  return fake;
}

/** Prints the figure; uses `redisUrl` (or REDIS_URL), else starts a throwaway redis-server. */
export async function runFanoutBench(redisUrl?: string): Promise<void> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const url = redisUrl || process.env.REDIS_URL;
  const redis = url ? undefined : await startLocalRedis();
  const sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  const log = pino({ level: 'silent' });
  const config = loadConfig({
    REDIS_URL: url ?? redis?.url,
    KEYAPI_BASE_URL: sample.url,
    KEYAPI_TOKEN: 'bench-key',
    KEYAPI_QPS: '50',
  });
  const prefix = `{bench-${randomUUID().slice(0, 6)}}`;
  const core = withSchedules(
    await createCore(config, log, { prefix, now: () => new Date('2026-11-25T12:00:00Z') }),
    log,
  );
  const discord = fakePlatform('discord', DISCORD_PER_SECOND, false);
  const slack = fakePlatform('slack', SLACK_PER_CHANNEL_PER_SECOND, true);
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    const queries: SubscriptionQuery[] = Array.from({ length: DISTINCT_QUERIES }, (_, i) => ({
      region: ['US', 'GB', 'ID', 'MY', 'TH', 'VN', 'PH', 'SG', 'DE', 'FR'][i % 10] as string,
      type: 'week',
      by: i < 10 ? 'followers' : 'sales',
      limit: 10,
    }));
    const slackCount = SLACK_CHANNELS * SLACK_PER_CHANNEL;
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const slackSub = i < slackCount;
      const channel = slackSub ? `slack:T1:C${i % SLACK_CHANNELS}` : `discord:${9_000_000 + i}`;
      // A Slack channel's 10 subscriptions follow 10 different queries (a repeat would be refused).
      const q = slackSub
        ? ((i % SLACK_CHANNELS) + Math.floor(i / SLACK_CHANNELS)) % DISTINCT_QUERIES
        : i % DISTINCT_QUERIES;
      const sub: Subscription = {
        id: `b${i.toString(36).padStart(5, '0')}`,
        channel,
        query: queries[q] as SubscriptionQuery,
        time: '09:00',
        timezone: 'UTC',
        alerts: false,
        alertClimb: 5,
        // Text digests, so this figure stays comparable over time; bench/chart.ts measures the chart.
        chart: false,
        state: { status: 'active' },
        createdBy: 'bench',
        createdAt: '2026-11-20T00:00:00.000Z',
      };
      const added = await core.subscriptions.store.add(sub, 25);
      if (!added.added) throw new Error(`bench setup: ${sub.id} refused (${added.reason})`);
    }
    const workers = await startWorkers({
      core,
      adapters: new Map<Platform, ChatAdapter>([
        ['discord', discord],
        ['slack', slack],
      ]),
      log,
      options: {
        reconcile: false,
        alertCheckPattern: null,
        deliverConcurrency: 100,
        now: () => new Date('2026-11-23T09:01:00Z'),
        limits: { discordPerSecond: 45 * SCALE, slackPerChannelPerSecond: 0.9 * SCALE },
      },
    });
    const requestsBefore = core.keyapi.requestCount;
    const started = performance.now();
    await workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    const delivered = () => discord.accepted.size + slack.accepted.size;
    const deadline = Date.now() + 110_000;
    while (delivered() < SUBSCRIPTIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const elapsed = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 500)); // let any late duplicate show up
    await workers.close();

    const minimum = queries.reduce((sum, q) => sum + pagesPerRun(q), 0);
    const discordMessages = SUBSCRIPTIONS - slackCount;
    const lowerBound = Math.max(
      discordMessages / DISCORD_PER_SECOND,
      (SLACK_PER_CHANNEL - 1) / SLACK_PER_CHANNEL_PER_SECOND,
    );
    const sends = [...discord.accepted.values(), ...slack.accepted.values()];
    const duplicated = sends.reduce((sum, n) => sum + (n - 1), 0);
    print('fan-out: one weekly tick, real BullMQ + Redis, fake platforms enforcing the documented limits');
    print(
      `  subscriptions                 ${SUBSCRIPTIONS} (${discordMessages} Discord channels; ${slackCount} on ${SLACK_CHANNELS} Slack channels)`,
    );
    print(`  distinct queries (K)          ${DISTINCT_QUERIES}`);
    print(
      `  upstream requests             ${core.keyapi.requestCount - requestsBefore} (minimum ${minimum}: K × pages of the period and the one before)`,
    );
    print(
      `  rate limits                   scaled ×${SCALE}: Discord ${DISCORD_PER_SECOND}/s per bot, Slack ${SLACK_PER_CHANNEL_PER_SECOND}/s per channel`,
    );
    print(
      `  delivery time                 ${elapsed.toFixed(1)} s (lower bound the limits allow: ${lowerBound.toFixed(1)} s; ×${SCALE} = ${((elapsed * SCALE) / 60).toFixed(1)} min at real limits)`,
    );
    print(`  429s from the fake platforms  ${discord.rejected + slack.rejected}`);
    print(`  messages lost                 ${SUBSCRIPTIONS - delivered()}`);
    print(`  messages duplicated           ${duplicated}`);
    print(`  peak RSS                      ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
    const queues = createQueues(core.redis, prefix);
    for (const q of [queues.tick, queues.deliver, queues.alerts]) await q.obliterate({ force: true });
    await queues.close();
    const keys = await core.redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await core.redis.del(...keys.slice(i, i + 1000));
  } finally {
    clearInterval(sampler);
    await core.close();
    await sample.close();
    await redis?.stop();
  }
}
