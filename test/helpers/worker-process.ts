/**
 * A worker process for multi-process tests: the real core and real BullMQ workers, posting to the
 * Redis-backed capturing adapter. Configured by environment; prints "ready" once started, and closes
 * gracefully on SIGTERM. Run with `node --import tsx test/helpers/worker-process.ts`.
 */
import { startWorkers } from '../../src/jobs/worker.js';
import { createCapturingAdapter } from '../fakes/capturing-chat-adapter.js';
import { childCore } from './child-core.js';
import { FAST_OPTIONS } from './jobs.js';

const env = process.env;
const prefix = env.TEST_PREFIX ?? '';
const now = env.WORKER_NOW ? () => new Date(String(env.WORKER_NOW)) : undefined;
const { log, core } = await childCore();
const adapter = createCapturingAdapter({
  redis: core.redis,
  key: prefix,
  sendDelayMs: Number(env.SEND_DELAY_MS ?? 0),
  holdKey: env.HOLD_KEY,
});
const workers = await startWorkers({
  core,
  adapters: new Map([['discord', adapter]]),
  log,
  options: { ...FAST_OPTIONS, now, deliverConcurrency: Number(env.DELIVER_CONCURRENCY ?? 50) },
});
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await workers.close(5_000);
  await core.close();
  process.exit(0);
});
