/**
 * One worker process of the fan-out bench: the real core and BullMQ workers (tick and deliveries),
 * posting to the bench's shared fake platforms. Prints "ready" once started; exits on SIGTERM.
 * Run with `node --import tsx bench/fanout-worker.ts`, configured by environment.
 */
import { pino } from 'pino';
import type { Platform } from '../src/chat/channel-ref.js';
import type { ChatAdapter } from '../src/chat/chat-adapter.js';
import { loadConfig } from '../src/config.js';
import { withSchedules } from '../src/jobs/scheduling.js';
import { startWorkers } from '../src/jobs/worker.js';
import { keepHeapNearLiveSize } from '../src/jobs/worker-memory.js';
import { createCore } from '../src/services.js';
import { createFakePlatformAdapter } from './fake-platforms.js';

// As `toprank start --role worker` runs.
keepHeapNearLiveSize();
const env = process.env;
const log = pino({ level: 'silent' });
const config = loadConfig({
  REDIS_URL: env.REDIS_URL,
  KEYAPI_BASE_URL: env.KEYAPI_URL,
  KEYAPI_TOKEN: 'bench-key',
  // The most the settings allow: the figures are of the chat platforms' limits, not KeyAPI's.
  KEYAPI_QPS: '100',
});
const core = withSchedules(
  await createCore(config, log, {
    prefix: String(env.BENCH_PREFIX),
    now: () => new Date('2026-11-25T12:00:00Z'),
  }),
  log,
);
const platforms = String(env.PLATFORM_URL);
const scale = Number(env.BENCH_SCALE);
const workers = await startWorkers({
  core,
  adapters: new Map<Platform, ChatAdapter>([
    ['discord', createFakePlatformAdapter('discord', platforms)],
    ['slack', createFakePlatformAdapter('slack', platforms)],
  ]),
  log,
  options: {
    reconcile: false,
    alertCheckPattern: null,
    deliverConcurrency: 100,
    now: () => new Date('2026-11-23T09:01:00Z'),
    // The documented limits themselves, scaled: no margin.
    limits: { discordPerSecond: Number(env.BENCH_DISCORD_PER_SECOND), slackPerChannelPerSecond: 1 * scale },
  },
});
// BENCH_PROFILE=<dir>: a CPU profile of each worker from the measured tick on (the bench signals its
// start with SIGUSR2), written at the end (open it in Chrome DevTools).
let profile: ((file: string) => Promise<void>) | undefined;
if (env.BENCH_PROFILE) process.once('SIGUSR2', async () => (profile = await startProfile()));
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await profile?.(`${env.BENCH_PROFILE}/worker-${process.pid}.cpuprofile`);
  await workers.close(5_000);
  await core.close();
  process.exit(0);
});

async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
  };
}
