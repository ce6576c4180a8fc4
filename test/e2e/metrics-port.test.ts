/**
 * `/metrics` on a port of its own (METRICS_PORT), so it need not be public beside `/slack/events`:
 * once set, PORT serves health and Slack only, and the metrics port serves nothing but metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/cli/start.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/local-redis.js';
import { type TestRedis, useTestRedis } from '../helpers/redis.js';
import { createTestLog } from '../helpers/test-log.js';

describe('a bot with METRICS_PORT set', () => {
  let redis: TestRedis;
  let bot: RunningBot;
  let metricsPort: number;

  beforeAll(async () => {
    redis = await useTestRedis();
    metricsPort = await freePort();
    const config = loadConfig({
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      PORT: String(await freePort()),
      METRICS_PORT: String(metricsPort),
    });
    bot = await startBot(config, createTestLog({ level: 'silent' }).log, 'bot');
  });
  afterAll(async () => {
    await bot.stop();
    await redis.cleanup();
  });

  it('serves /metrics on METRICS_PORT', async () => {
    expect(bot.metricsPort).toBe(metricsPort);
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('toprank_commands_total');
  });

  it('no longer serves /metrics on PORT, which keeps /healthz', async () => {
    expect((await fetch(`http://127.0.0.1:${bot.port}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
  });

  it('serves nothing but /metrics on METRICS_PORT', async () => {
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/slack/events`, { method: 'POST' })).status).toBe(
      404,
    );
  });
});

describe('a bot without METRICS_PORT', () => {
  it('serves /metrics on PORT', async () => {
    const redis = await useTestRedis();
    const config = loadConfig({
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      PORT: String(await freePort()),
    });
    const bot = await startBot(config, createTestLog({ level: 'silent' }).log, 'bot');
    try {
      expect(bot.metricsPort).toBe(bot.port);
      expect((await fetch(`http://127.0.0.1:${bot.port}/metrics`)).status).toBe(200);
    } finally {
      await bot.stop();
      await redis.cleanup();
    }
  });
});
