/**
 * Leaderboard figures: upstream requests (paid credits) for 100 concurrent identical top-50 queries
 * with movement, against the minimum and against a client with no cache or single-flight; and
 * warm-cache latency over 10,000 calls, against a bare Redis GET as the floor.
 */
import { performance } from 'node:perf_hooks';
import { runCommand } from '../commands/index.js';
import { loadConfig } from '../src/config.js';
import { withSchedules } from '../src/jobs/scheduling.js';
import { createKeyApiClient } from '../src/keyapi/client.js';
import { createLogger } from '../src/log.js';
import { createLeaderboardService } from '../src/ranking/leaderboard-service.js';
import type { LeaderboardQuery } from '../src/ranking/types.js';
import { startSampleKeyApiServer } from '../src/sample/sample-keyapi-server.js';
import { createCore } from '../src/services.js';

/** Runs of the handler before it is measured. */
const HANDLER_WARM_UP = 2_000;

const query: LeaderboardQuery = { region: 'US', type: 'week', by: 'sales', limit: 50, page: 1 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runLeaderboardBench(redisUrl: string): Promise<void> {
  const sample = await startSampleKeyApiServer();
  const log = createLogger({ level: 'silent' });
  const config = loadConfig({
    KEYAPI_BASE_URL: sample.url,
    KEYAPI_TOKEN: 'bench',
    KEYAPI_QPS: '100',
    REDIS_URL: redisUrl,
  });
  const core = withSchedules(await createCore(config, log, { prefix: `{bench-${Date.now()}}` }), log);
  try {
    // Baseline: callers that share nothing (no cache, each its own single-flight), 10 of them.
    const naive = createKeyApiClient({ baseUrl: sample.url, token: 'bench', qps: 1000, log });
    const noCache = {
      get: async () => undefined,
      getMany: async (requests: unknown[]) => requests.map(() => undefined),
      set: async () => {},
      categories: async () => [],
    };
    await Promise.all(
      Array.from({ length: 10 }, () =>
        createLeaderboardService({ client: naive, cache: noCache, log }).get(query),
      ),
    );
    const naivePer100 = naive.requestCount * 10;

    await Promise.all(Array.from({ length: 100 }, () => core.leaderboards.get(query)));
    const upstream = core.keyapi.requestCount;
    console.log('leaderboard: 100 concurrent identical top-50 queries with movement');
    console.log(`  upstream requests      ${upstream} (minimum 10: 5 pages + 5 of the previous period)`);
    console.log(
      `  sharing nothing        ${naivePer100} (extrapolated from 10 callers) → ${(naivePer100 / upstream).toFixed(0)}× more`,
    );

    const samples: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      let start = performance.now();
      await core.leaderboards.get(query);
      samples.push(performance.now() - start);
      start = performance.now();
      await core.redis.get('bench-floor');
      floor.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    floor.sort((a, b) => a - b);
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    console.log('leaderboard: warm cache, 10,000 sequential calls (top 50 with movement = 10 cached pages)');
    console.log(`  p50 ${p50.toFixed(3)} ms   p99 ${p99.toFixed(3)} ms`);
    console.log(
      `  one Redis GET (floor) p50 ${percentile(floor, 50).toFixed(3)} ms → leaderboard is ${(p50 / percentile(floor, 50)).toFixed(1)}× a GET`,
    );

    // The warm /toprank handler as an adapter runs it: options parsed, limits checked, view built.
    const ctx = {
      channel: 'console:bench' as const,
      user: { id: 'bench' },
      services: core,
      log,
      now: () => new Date(),
    };
    const options = { region: 'US', type: 'week', by: 'sales', limit: 50 };
    // Warm as a bot that has been answering for a while is: its code compiled by the JIT.
    for (let i = 0; i < HANDLER_WARM_UP; i++) await runCommand('toprank', options, ctx);
    const handler: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const start = performance.now();
      await runCommand('toprank', options, ctx);
      handler.push(performance.now() - start);
    }
    handler.sort((a, b) => a - b);
    console.log(
      `/toprank handler: warm, 5,000 sequential runs after ${HANDLER_WARM_UP.toLocaleString('en-US')} unmeasured ones (top 50 with movement)`,
    );
    console.log(
      `  p50 ${percentile(handler, 50).toFixed(3)} ms   p99 ${percentile(handler, 99).toFixed(3)} ms (target p99 < 2 ms)`,
    );
  } finally {
    await core.redis.del(...(await core.redis.keys(`${core.prefix}*`)));
    await core.close();
    await sample.close();
  }
}
