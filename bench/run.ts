/**
 * `npm run bench`: prints the figures of every benchmark in one run, each with its baseline.
 * Uses REDIS_URL, or starts a throwaway redis-server.
 */
import { startLocalRedis } from '../src/local-redis.js';
import { runChartBench } from './chart.js';
import { runCreditsBench } from './credits.js';
import { runFanoutBench } from './fanout.js';
import { runLeaderboardBench } from './leaderboard.js';
import { runMondayBench } from './monday.js';

const local = process.env.REDIS_URL ? undefined : await startLocalRedis();
const redisUrl = process.env.REDIS_URL ?? local?.url ?? '';
try {
  await runLeaderboardBench(redisUrl);
  console.log('');
  await runFanoutBench(redisUrl);
  console.log('');
  await runMondayBench(redisUrl);
  console.log('');
  await runChartBench(redisUrl);
  await runCreditsBench(redisUrl);
} finally {
  await local?.stop();
}
