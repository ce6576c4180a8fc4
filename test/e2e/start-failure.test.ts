/**
 * `toprank start` that cannot start (a rejected token) says why in one sentence and exits non-zero,
 * so a supervisor restarts it instead of keeping a half-started process alive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local-redis.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { redisUrl } from '../helpers/redis.js';
import { runCli } from '../helpers/run-cli.js';

describe('toprank start with a rejected Slack token', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());

  it('prints the variable to check, never the token, and exits 1', async () => {
    const result = await runCli(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-rejected-token-42',
      SLACK_SIGNING_SECRET: 'signing-secret-42',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redisUrl(),
      PORT: String(await freePort()),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Slack refused SLACK_BOT_TOKEN (invalid_auth): check it.');
    expect(result.stdout + result.stderr).not.toContain('xoxb-rejected-token-42');
  }, 30_000);
});
