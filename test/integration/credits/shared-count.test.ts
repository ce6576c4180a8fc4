/**
 * Two bot processes on one Redis share one count: credits a member spends through a child process
 * count against the same CREDITS_PER_USER_HOUR as the parent's, so scaling out never multiplies a limit.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTextCommand } from '../../../commands/index.js';
import { renderConsole } from '../../../src/adapters/console/render.js';
import {
  type SampleKeyApiServer,
  startSampleKeyApiServer,
} from '../../../src/sample/sample-keyapi-server.js';
import { createTestCore, TEST_NOW } from '../../helpers/test-core.js';
import { createTestLog } from '../../helpers/test-log.js';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../helpers/command-process.ts');

describe('credit limits across processes', () => {
  let sample: SampleKeyApiServer;
  beforeAll(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  });
  afterAll(() => sample.close());

  it('refuses in one process what the member already spent in another', async () => {
    const t = await createTestCore(sample.url, { env: { CREDITS_PER_USER_HOUR: '4' } });
    try {
      const child = await run(process.execPath, ['--import', 'tsx', script], {
        env: {
          ...process.env,
          REDIS_URL: t.redis.url,
          TEST_PREFIX: t.redis.prefix,
          KEYAPI_URL: sample.url,
          CORE_NOW: TEST_NOW.toISOString(),
          CREDITS_PER_USER_HOUR: '4',
          MEMBER: 'm1',
          COMMANDS: JSON.stringify(['/toprank region:US', '/toprank region:US date:2026-11-20']),
        },
      });
      const answers = child.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string);
      expect(answers).toHaveLength(2);
      expect(answers.every((a) => a.includes('US daily top 10'))).toBe(true);
      expect(sample.requestCount).toBe(4);

      const ctx = {
        channel: 'console:demo',
        user: { id: 'm1' },
        services: t.core,
        log: createTestLog({ level: 'silent' }).log,
        now: () => TEST_NOW,
      };
      const here = renderConsole(await runTextCommand('toprank', 'region:US date:2026-11-18', ctx));
      expect(here).toContain('You have spent your 4 KeyAPI credits for this hour');
      expect(sample.requestCount).toBe(4);
    } finally {
      await t.close();
    }
  });
});
