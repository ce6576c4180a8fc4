/**
 * KEYAPI_DAILY_CREDIT_LIMIT with real Redis: the count is shared by every process of a deployment,
 * a spent budget refuses new upstream requests with a clear sentence, cached leaderboards still work,
 * and the log says so once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { messageFor, ToprankError } from '../../../src/errors.js';
import { createMetrics } from '../../../src/metrics.js';
import type { LeaderboardQuery } from '../../../src/ranking/types.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { type Core, createCore } from '../../../src/services.js';
import { type TestRedis, useTestRedis } from '../../helpers/redis.js';
import { TEST_NOW } from '../../helpers/test-core.js';
import { createTestLog, type TestLog } from '../../helpers/test-log.js';

const yesterday: LeaderboardQuery = { region: 'US', type: 'day', by: 'followers', limit: 10, page: 1 };

describe('daily credit budget', () => {
  let sample: SampleKeyApiServer;
  let redis: TestRedis;
  let log: TestLog;
  let cores: Core[];
  const open = async (metrics = createMetrics()) => {
    const config = loadConfig({
      KEYAPI_BASE_URL: sample.url,
      KEYAPI_TOKEN: 'sk_live_budget',
      KEYAPI_QPS: '100',
      KEYAPI_DAILY_CREDIT_LIMIT: '3',
      REDIS_URL: redis.url,
    });
    const core = await createCore(config, log.log, { prefix: redis.prefix, now: () => TEST_NOW, metrics });
    cores.push(core);
    return core;
  };

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());
  beforeEach(async () => {
    redis = await useTestRedis();
    log = createTestLog();
    cores = [];
  });
  afterEach(async () => {
    for (const core of cores) await core.close();
    await redis.cleanup();
  });

  it('refuses upstream requests past the limit, across processes, and still serves cached boards', async () => {
    const metrics = createMetrics();
    const first = await open(metrics);
    await first.leaderboards.get(yesterday); // 2 credits: yesterday and the day before
    const other = await open(); // a second process of the same deployment
    const before = sample.requestCount;
    const refusal = await other.leaderboards
      .get({ ...yesterday, date: '2026-11-20' })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ToprankError);
    expect(messageFor(refusal as ToprankError)).toBe(
      "Today's KeyAPI credit budget (3) is spent; cached leaderboards still work. It resets at 00:00 UTC.",
    );
    // The third credit was spent on the 20th; the 19th (for movement) was refused before it was sent.
    expect(sample.requestCount - before).toBe(1);

    const cached = await first.leaderboards.get(yesterday);
    expect(cached.rows).toHaveLength(10);
    expect(sample.requestCount - before).toBe(1);

    await first.leaderboards.get({ ...yesterday, date: '2026-11-18' }).catch(() => undefined);
    await first.leaderboards.get({ ...yesterday, date: '2026-11-17' }).catch(() => undefined);
    const metricsText = await metrics.registry.metrics();
    expect(metricsText).toMatch(/^toprank_keyapi_budget_refusals_total [1-9]/m);
    const warnings = log
      .lines()
      .filter((l) => String(l.msg).startsWith('daily KeyAPI credit budget reached'));
    // Once per process that hit the limit, not once per refused request.
    expect(warnings).toHaveLength(2);
  });
});
