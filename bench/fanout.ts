/**
 * Fan-out figures: one weekly tick over N subscriptions (20 distinct queries), run by 3 worker processes
 * (bench/fanout-worker.ts: the real core, BullMQ and Redis) that share one pacing budget and post to fake
 * platforms answering 429 past the documented limits (Discord 50/s per bot, Slack 1/s per channel),
 * scaled in time. Prints, against their bounds: delivery time ÷ the limits' lower bound, 429s, losses and
 * duplicates, each worker's peak RSS against its idle RSS, and Redis memory per subscription and digest.
 * Each run starts with a warm-up tick of WARM_UP other digests, not counted: the workers measured are warm.
 * The first size runs once more with Discord unlimited: the machine's own pace, to read the ratio by.
 * BENCH_FANOUT_SIZES (`10000:20,100000:10`: subscriptions:time scale) sets the runs; BENCH_PROFILE=<dir>
 * writes there each worker's CPU profile of the measured tick.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { createQueues } from '../src/jobs/queues.js';
import { paceFactorKey, paceHoldKey, paceKey } from '../src/keys.js';
import { pagesPerRun } from '../src/ranking/price.js';
import { startSampleKeyApiServer } from '../src/sample/sample-keyapi-server.js';
import { createRedisSubscriptionStore } from '../src/subscriptions/redis-subscription-store.js';
import type { Subscription, SubscriptionQuery } from '../src/subscriptions/subscription.js';
import { startFakePlatforms } from './fake-platforms.js';

const DISTINCT_QUERIES = 20;
const SLACK_SHARE = 0.4;
const SLACK_PER_CHANNEL = 10;
const PROCESSES = 3;
/** Discord's limit in an unpaced run: none that a 2-core machine reaches. */
const UNPACED_PER_SECOND = 1_000_000;
/** Digests of the warm-up tick each run starts with. */
const WARM_UP = 2_000;
const print = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export const QUERIES: SubscriptionQuery[] = Array.from({ length: DISTINCT_QUERIES }, (_, i) => ({
  region: ['US', 'GB', 'ID', 'MY', 'TH', 'VN', 'PH', 'SG', 'DE', 'FR'][i % 10] as string,
  type: 'week',
  by: i < 10 ? 'followers' : 'sales',
  limit: 10,
}));

/** The i-th bench subscription: 40 % on Slack channels of 10 subscriptions each (10 queries), the rest on Discord. */
function benchSubscription(i: number, n: number): Subscription {
  const slackCount = Math.floor(n * SLACK_SHARE);
  const slackChannels = slackCount / SLACK_PER_CHANNEL;
  const slackSub = i < slackCount;
  const q = slackSub
    ? ((i % slackChannels) + Math.floor(i / slackChannels)) % DISTINCT_QUERIES
    : i % DISTINCT_QUERIES;
  return weeklyDigest(
    `b${i.toString(36).padStart(6, '0')}`,
    slackSub ? `slack:T1:C${i % slackChannels}` : `discord:${9_000_000 + i}`,
    QUERIES[q] as SubscriptionQuery,
  );
}

/** A bench subscriber: a text digest at 09:00 UTC, so the figures stay comparable (bench/chart.ts measures charts). */
export function weeklyDigest(
  id: string,
  channel: string,
  query: SubscriptionQuery,
  time = '09:00',
): Subscription {
  return {
    id,
    channel,
    query,
    time,
    timezone: 'UTC',
    alerts: false,
    alertClimb: 5,
    chart: false,
    state: { status: 'active' },
    createdBy: 'bench',
    createdAt: '2026-11-20T00:00:00.000Z',
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** CPU time a process has used so far (user and system), from /proc (Linux). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, 'fanout-worker.ts')],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ready(child);
    });
    child.once('exit', (code) => fail(new Error(`bench worker exited (${code}) before ready`)));
  });
}

export interface FanoutFigures {
  n: number;
  scale: number;
  ratio: number;
  peakOverIdle: number;
}

/**
 * One run at `n` subscriptions with limits ×`scale`; prints its figures. `unpaced`: Discord takes any
 * number of posts a second, and only the time to deliver is printed: the machine's own pace.
 */
async function runAt(redisUrl: string, n: number, scale: number, unpaced = false): Promise<FanoutFigures> {
  const redis = new Redis(redisUrl);
  const prefix = `{bench-${randomUUID().slice(0, 6)}}`;
  const sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  const discordPerSecond = unpaced ? UNPACED_PER_SECOND : 50 * scale;
  const platforms = await startFakePlatforms({ discordPerSecond, slackPerChannelPerSecond: scale });
  const children: ChildProcess[] = [];
  try {
    const store = createRedisSubscriptionStore(redis, prefix);
    const empty = await usedMemory(redis);
    for (let i = 0; i < n; i += 500) {
      const adds = [];
      for (let j = i; j < Math.min(n, i + 500); j++) adds.push(store.add(benchSubscription(j, n), 25));
      for (const added of await Promise.all(adds))
        if (!added.added) throw new Error(`bench setup refused (${added.reason})`);
    }
    const withSubs = await usedMemory(redis);
    // The warm-up slot: its own Discord channels, an hour earlier.
    for (let i = 0; i < WARM_UP; i++) {
      const query = QUERIES[i % DISTINCT_QUERIES] as SubscriptionQuery;
      const sub = weeklyDigest(
        `w${i.toString(36).padStart(6, '0')}`,
        `discord:${8_000_000 + i}`,
        query,
        '08:00',
      );
      const added = await store.add(sub, 25);
      if (!added.added) throw new Error(`bench setup refused (${added.reason})`);
    }
    const env = {
      REDIS_URL: redisUrl,
      BENCH_PREFIX: prefix,
      KEYAPI_URL: sample.url,
      PLATFORM_URL: platforms.url,
      BENCH_SCALE: String(scale),
      BENCH_DISCORD_PER_SECOND: String(discordPerSecond),
    };
    for (let i = 0; i < PROCESSES; i++) children.push(await startWorkerProcess(env));
    const queues = createQueues(redis, prefix);
    const delivered = () => platforms.accepted.size;
    const deadline = Date.now() + 20 * 60_000;
    // Figures are of warmed workers, as long-running ones are (code compiled, connections open): a tick
    // of WARM_UP digests goes first, then the fakes forget it and each worker's peak RSS is reset.
    await queues.tick.add('tick', { slotId: 'week-0800-UTC', firedAt: Date.parse('2026-11-23T08:00:00Z') });
    while (delivered() < WARM_UP && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1_000)); // settle: idle is after the warm-up, before work
    platforms.reset();
    // The warm-up's pacing is forgotten too: in production the next slot comes an hour later, by when
    // a spacing the warm-up widened has been narrowed back (src/jobs/pacer.ts).
    await redis.del(
      paceKey(prefix, 'discord'),
      paceFactorKey(prefix, 'discord'),
      paceHoldKey(prefix, 'discord'),
    );
    for (const c of children) writeFileSync(`/proc/${c.pid}/clear_refs`, '5');
    const idle = children.map((c) => memoryOf(c.pid as number).rss);
    const beforeTick = await usedMemory(redis);

    if (process.env.BENCH_PROFILE) for (const c of children) c.kill('SIGUSR2');
    const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    const cpuBefore = [...children.map((c) => cpuSecondsOf(c.pid as number)), cpuSecondsOf(redisPid)];
    const benchCpuBefore = process.cpuUsage();
    const started = performance.now();
    await queues.tick.add('tick', { slotId: 'week-0900-UTC', firedAt: Date.parse('2026-11-23T09:00:00Z') });
    while (delivered() < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const firstPost = (platforms.firstAcceptedAt - started) / 1000;
    const elapsed = (platforms.lastAcceptedAt - started) / 1000;
    const cpu = [...children.map((c) => cpuSecondsOf(c.pid as number)), cpuSecondsOf(redisPid)].map(
      (seconds, i) => (seconds - (cpuBefore[i] ?? 0)) / elapsed,
    );
    const workersCpu = cpu.slice(0, PROCESSES).reduce((sum, c) => sum + c, 0);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    await new Promise((r) => setTimeout(r, 1_000)); // let a late duplicate show up, and the queues drain
    const peaks = children.map((c) => memoryOf(c.pid as number).peak);
    const afterDelivery = await usedMemory(redis);

    const slackCount = Math.floor(n * SLACK_SHARE);
    const discordMessages = n - slackCount;
    const lowerBound = Math.max(discordMessages / (50 * scale), (SLACK_PER_CHANNEL - 1) / scale);
    const benchCores = (benchCpu.user + benchCpu.system) / 1e6 / elapsed;
    const cores = `${(workersCpu + (cpu[PROCESSES] ?? 0) + benchCores).toFixed(1)} of ${availableParallelism()} cores (workers ${workersCpu.toFixed(2)}, Redis ${(cpu[PROCESSES] ?? 0).toFixed(2)}, fakes ${benchCores.toFixed(2)})`;
    if (unpaced) {
      print(
        `  the machine's own pace       ${elapsed.toFixed(1)} s with Discord unlimited: ${(n / elapsed).toFixed(0)} deliveries/s, where the bound above asks ${(n / lowerBound).toFixed(0)}/s`,
      );
      print(`    CPU in use meanwhile        ${cores}`);
    }
    const duplicated = [...platforms.accepted.values()].reduce((sum, k) => sum + (k - 1), 0);
    const minimum = QUERIES.reduce((sum, q) => sum + pagesPerRun(q), 0);
    const ratio = elapsed / lowerBound;
    const peakOverIdle = Math.max(...peaks.map((p, i) => p - (idle[i] ?? 0)));
    if (!unpaced) {
      print(
        `fan-out at ${n.toLocaleString('en-US')} subscriptions: one weekly tick, ${PROCESSES} worker processes, real BullMQ + Redis`,
      );
      print(
        `  subscriptions                 ${n} (${discordMessages} Discord channels; ${slackCount} on ${slackCount / SLACK_PER_CHANNEL} Slack channels)`,
      );
      print(`  distinct queries (K)          ${DISTINCT_QUERIES}`);
      print(
        `  upstream requests             ${sample.requestCount} (minimum ${minimum}: K × pages of the period and the one before)`,
      );
      print(
        `  rate limits                   documented ×${scale}: Discord ${50 * scale}/s per bot, Slack ${scale}/s per channel; one budget shared by the ${PROCESSES} processes`,
      );
      print(`  first digest posted           ${firstPost.toFixed(2)} s after the tick was queued`);
      print(
        `  delivery time                 ${elapsed.toFixed(1)} s; lower bound the limits allow ${lowerBound.toFixed(1)} s → ×${ratio.toFixed(2)} (target ≤ 1.10)`,
      );
      print(`  CPU in use meanwhile          ${cores}`);
      print(
        `  429s from the fake platforms  ${platforms.refused()} (${((platforms.refused() / n) * 10_000).toFixed(1)} per 10,000 posts)`,
      );
      print(`  messages lost                 ${n - delivered()}`);
      print(`  messages duplicated           ${duplicated}`);
      print(
        `  worker RSS idle → peak        (warm) ${children.map((_, i) => `${mb(idle[i] ?? 0)} → ${mb(peaks[i] ?? 0)}`).join(', ')}; peak − idle ${mb(peakOverIdle)} (target ≤ 50 MB)`,
      );
      print(
        `  Redis used_memory             ${((withSubs - empty) / n).toFixed(0)} B per subscription; ${((afterDelivery - beforeTick) / n).toFixed(0)} B per delivered digest (sent marker, status, trimmed jobs)`,
      );
    }
    for (const q of [queues.tick, queues.deliver, queues.alerts]) await q.obliterate({ force: true });
    await queues.close();
    return { n, scale, ratio, peakOverIdle };
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            c.once('exit', () => done());
            c.kill('SIGTERM');
          }),
      ),
    );
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    await platforms.close();
    await sample.close();
  }
}

/** Prints the figures at 10,000 and 100,000 subscriptions. */
export async function runFanoutBench(redisUrl: string): Promise<void> {
  const sizes = (process.env.BENCH_FANOUT_SIZES ?? '10000:20,100000:10').split(',');
  for (const [i, size] of sizes.entries()) {
    const [n, scale] = size.split(':').map(Number);
    if (i > 0) print('');
    await runAt(redisUrl, n as number, scale as number);
    // Is the bound the platforms' or this machine's? The first size once more, with Discord unlimited.
    if (i === 0) await runAt(redisUrl, n as number, scale as number, true);
  }
}
