/**
 * Chart figures: the time to draw one digest chart (8 weeks of the top 10, history already filled) as
 * a PNG, p50/p99 over 30 renders after a warm-up, against the time to build the same leaderboard's text
 * view (the baseline every digest pays anyway).
 */
import { performance } from 'node:perf_hooks';
import { chartDataOf } from '../src/charts/chart-data.js';
import { renderChartPng } from '../src/charts/render-chart.js';
import { leaderboardView } from '../src/chat/leaderboard-view.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import type { LeaderboardQuery } from '../src/ranking/types.js';
import { startSampleKeyApiServer } from '../src/sample/sample-keyapi-server.js';
import { createCore } from '../src/services.js';

const query: LeaderboardQuery = { region: 'US', type: 'week', by: 'sales', limit: 10, page: 1 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timed(runs: number, work: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

export async function runChartBench(redisUrl: string): Promise<void> {
  const sample = await startSampleKeyApiServer();
  const config = loadConfig({
    KEYAPI_BASE_URL: sample.url,
    KEYAPI_TOKEN: 'bench',
    KEYAPI_QPS: '100',
    REDIS_URL: redisUrl,
  });
  const core = await createCore(config, createLogger({ level: 'silent' }), {
    prefix: `{bench-chart-${Date.now()}}`,
  });
  try {
    const board = await core.leaderboards.get(query);
    const history = await core.rankHistory.load(board.query, board.period, { fetchMissing: true });
    const data = chartDataOf(board.query, history, false);
    const first = performance.now();
    const png = await renderChartPng(data);
    const cold = performance.now() - first;
    const chart = await timed(30, () => renderChartPng(data));
    const text = await timed(30, () => leaderboardView(board, { heading: 'Weekly digest' }));
    console.log('chart: one digest chart (8 weeks × top 10, rank lines and metric bars) as PNG');
    console.log(
      `  first render ${cold.toFixed(0)} ms (loads ECharts and resvg once per process), ${png.length} bytes`,
    );
    console.log(`  p50 ${percentile(chart, 50).toFixed(1)} ms   p99 ${percentile(chart, 99).toFixed(1)} ms`);
    console.log(
      `  text view of the same leaderboard p50 ${percentile(text, 50).toFixed(3)} ms → the chart is ${(percentile(chart, 50) / percentile(text, 50)).toFixed(0)}× the text (drawn once per query and period, shared by its deliveries)`,
    );
  } finally {
    const keys = await core.redis.keys(`${core.prefix}*`);
    if (keys.length > 0) await core.redis.del(...keys);
    await core.close();
    await sample.close();
  }
}
