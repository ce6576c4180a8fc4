/**
 * The real core of a test's child process (command-process, worker-process, tick-process), configured
 * by the environment the test gives it: KEYAPI_URL, REDIS_URL, TEST_PREFIX and, when set, CORE_NOW (the
 * core's clock); `settings` adds more configuration variables.
 */
import { loadConfig } from '../../src/config.js';
import { withSchedules } from '../../src/jobs/scheduling.js';
import { createLogger } from '../../src/log.js';
import { createCore } from '../../src/services.js';

export async function childCore(settings: Record<string, string | undefined> = {}) {
  const env = process.env;
  const log = createLogger({ level: 'silent', secrets: [] });
  const config = loadConfig({
    KEYAPI_BASE_URL: env.KEYAPI_URL,
    KEYAPI_TOKEN: 'test-key-123456',
    KEYAPI_QPS: '100',
    REDIS_URL: env.REDIS_URL,
    ...settings,
  });
  const now = env.CORE_NOW ? () => new Date(String(env.CORE_NOW)) : undefined;
  const core = withSchedules(await createCore(config, log, { prefix: env.TEST_PREFIX ?? '', now }), log);
  return { log, core };
}
