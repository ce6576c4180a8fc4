/**
 * Redis down: commands still answer. A leaderboard is served uncached straight from KeyAPI, and what
 * needs storage (subscriptions) says so in one sentence instead of leaving the user waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandContext, runTextCommand } from '../../../commands/index.js';
import { loadConfig } from '../../../src/config.js';
import { type ScheduledCore, withSchedules } from '../../../src/jobs/scheduling.js';
import { freePort } from '../../../src/local-redis.js';
import { createMetrics, type Metrics } from '../../../src/metrics.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { createCore } from '../../../src/services.js';
import { TEST_NOW } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

describe('commands while Redis is down', () => {
  let sample: SampleKeyApiServer;
  let core: ScheduledCore;
  let ctx: CommandContext;
  let metrics: Metrics;

  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
    const config = loadConfig({
      KEYAPI_BASE_URL: sample.url,
      KEYAPI_TOKEN: 'sk_live_outage',
      KEYAPI_QPS: '100',
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    const log = createTestLog({ level: 'silent' }).log;
    metrics = createMetrics();
    core = withSchedules(await createCore(config, log, { now: () => TEST_NOW, metrics }), log);
    ctx = { channel: 'console:demo', user: { id: 'u1' }, services: core, log, now: () => TEST_NOW };
  });
  afterAll(async () => {
    await core.close();
    await sample.close();
  });

  it('still shows the leaderboard, fetched without the cache', async () => {
    const view = await runTextCommand('toprank', 'region:US limit:3', ctx);
    expect(view.title).toBe('🇺🇸 US daily top 3 by followers');
    expect(sample.requestCount).toBeGreaterThan(0);
  });

  it('fetches page 1 once per request: a cold top 10 costs 2 credits, the day and the day before', async () => {
    const before = sample.requestCount;
    const view = await runTextCommand('toprank', 'region:GB', ctx);
    expect(view.title).toBe('🇬🇧 GB daily top 10 by followers');
    // Page 1 of the 24th is the publication check and the top of the list; then page 1 of the 23rd.
    expect(sample.requestCount - before).toBe(2);
    // The outage is the connection's to report (once): it is no cache error.
    expect(await metrics.registry.getSingleMetricAsString('toprank_cache_errors_total')).not.toContain('op=');
  });

  it('answers a subscription command with the storage sentence', async () => {
    const view = await runTextCommand('toprank-subscriptions', '', ctx);
    expect(view.ephemeral).toBe(true);
    expect(view.blocks[0]).toEqual({
      kind: 'notice',
      tone: 'error',
      text: 'toprank cannot reach its database right now. Try again in a minute.',
    });
  });
});
