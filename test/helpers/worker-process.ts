/**
 * A worker process for multi-process tests: the real core and real BullMQ workers, posting to the
 * Redis-backed capturing adapter. Configured by environment; prints "ready" once started, and closes
 * gracefully on SIGTERM. Run with `node --import tsx test/helpers/worker-process.ts`.
 */
import { loadConfig } from '../../src/config.js';
import { withSchedules } from '../../src/jobs/scheduling.js';
import { startWorkers } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/log.js';
import { createCore } from '../../src/services.js';
import { createCapturingAdapter } from '../fakes/capturing-chat-adapter.js';
import { FAST_OPTIONS } from './jobs.js';

const env = process.env;
const prefix = env.TEST_PREFIX ?? '';
const now = env.WORKER_NOW ? () => new Date(String(env.WORKER_NOW)) : undefined;
const log = createLogger({ level: 'silent', secrets: [] });
const config = loadConfig({
  KEYAPI_BASE_URL: env.KEYAPI_URL,
  KEYAPI_TOKEN: 'test-key-123456',
  KEYAPI_QPS: '100',
  REDIS_URL: env.REDIS_URL,
});
const core = withSchedules(
  await createCore(config, log, {
    prefix,
    now: env.CORE_NOW ? () => new Date(String(env.CORE_NOW)) : undefined,
  }),
  log,
);
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
