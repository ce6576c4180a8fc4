/**
 * An operator's view of a running bot (`toprank start` in-process): /healthz says what is up or down,
 * and /metrics counts commands, paid upstream requests, cache lookups, jobs and delivery latency.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/cli/start.js';
import { loadConfig } from '../../src/config.js';
import { createQueues } from '../../src/jobs/queues.js';
import { tickJobId } from '../../src/keys.js';
import { freePort, startLocalRedis } from '../../src/local-redis.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { createRedisSubscriptionStore } from '../../src/subscriptions/redis-subscription-store.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { chatInput } from '../fakes/discord/interactions.js';
import { type TestRedis, useTestRedis } from '../helpers/redis.js';
import { createTestLog } from '../helpers/test-log.js';
import { callbackOf } from './discord-harness.js';

const MANAGE_CHANNELS = String(1 << 4);

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('a running bot, as an operator sees it', () => {
  let fake: FakeDiscord;
  let sample: SampleKeyApiServer;
  let redis: TestRedis;
  let bot: RunningBot;
  let base: string;

  beforeAll(async () => {
    [fake, sample, redis] = await Promise.all([
      startFakeDiscord(),
      startSampleKeyApiServer(),
      useTestRedis(),
    ]);
    const config = loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiBase,
      KEYAPI_BASE_URL: sample.url,
      KEYAPI_TOKEN: 'sk_live_ops',
      KEYAPI_QPS: '100',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      PORT: String(await freePort()),
    });
    bot = await startBot(config, createTestLog({ level: 'silent' }).log, 'all');
    base = `http://127.0.0.1:${bot.port}`;
  });
  afterAll(async () => {
    await bot.stop();
    await fake.close();
    await sample.close();
    await redis.cleanup();
  });

  it('answers /healthz 200 with Redis up and Discord connected, saying its mode and shards', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      role: 'all',
      redis: 'up',
      adapters: { discord: 'connected' },
      platforms: { discord: { mode: 'gateway', shards: { connected: 1, total: 1, count: 1 } } },
    });
  });

  it('counts a command, its paid upstream requests and its cache misses in /metrics', async () => {
    const { id } = fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    await callbackOf(fake, id);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(
      metricValue(metrics, 'toprank_commands_total{platform="discord",command="toprank",outcome="ok"}'),
    ).toBe(1);
    // Yesterday's first page doubles as the publication probe; then the day before for movement.
    expect(metricValue(metrics, 'toprank_keyapi_requests_total{status="200"}')).toBe(2);
    expect(metricValue(metrics, 'toprank_cache_lookups_total{result="miss"}')).toBe(2);
  });

  it('counts a denied command as denied', async () => {
    const { id } = fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'USA' }] }),
    );
    await callbackOf(fake, id);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(
      metricValue(metrics, 'toprank_commands_total{platform="discord",command="toprank",outcome="denied"}'),
    ).toBe(1);
  });

  it('counts the jobs of a digest tick and the delivery latency', async () => {
    const { id } = fake.interact(
      chatInput({
        name: 'toprank-subscribe',
        memberPermissions: MANAGE_CHANNELS,
        options: [
          { name: 'region', type: 3, value: 'US' },
          { name: 'type', type: 3, value: 'week' },
        ],
      }),
    );
    await callbackOf(fake, id);
    const [slotId] = await createRedisSubscriptionStore(redis.redis, redis.prefix).listSlots();
    expect(slotId).toBeDefined();
    const queues = createQueues(redis.redis, redis.prefix);
    const firedAt = Date.now();
    await queues.tick.add(
      'tick',
      { slotId: slotId ?? '', firedAt },
      { jobId: tickJobId(slotId ?? '', firedAt) },
    );
    await queues.close();
    await fake.rest.waitFor((r) => r.route === 'POST /channels/:channelId/messages', 15_000);

    await expect
      .poll(async () =>
        metricValue(
          await (await fetch(`${base}/metrics`)).text(),
          'toprank_jobs_total{queue="toprank-deliver",outcome="completed"}',
        ),
      )
      .toBe(1);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metricValue(metrics, 'toprank_jobs_total{queue="toprank-tick",outcome="completed"}')).toBe(1);
    expect(metricValue(metrics, 'toprank_delivery_latency_seconds_count{platform="discord"}')).toBe(1);
  });
});

describe('a bot whose Redis goes down', () => {
  it('answers /healthz 503 naming Redis', async () => {
    const fake = await startFakeDiscord();
    // Its own Redis, stopped under the running bot (a bot cannot start without one).
    const own = await startLocalRedis();
    const config = loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiBase,
      REDIS_URL: own.url,
      REDIS_KEY_PREFIX: `{t-${randomUUID().slice(0, 8)}}`,
      PORT: String(await freePort()),
    });
    const bot = await startBot(config, createTestLog({ level: 'silent' }).log, 'bot');
    try {
      await own.stop();
      const res = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: 'down',
        redis: 'down',
        adapters: { discord: 'connected' },
        down: ['redis'],
      });
    } finally {
      await bot.stop();
      await fake.close();
    }
  });
});
