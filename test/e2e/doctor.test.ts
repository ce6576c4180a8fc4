/**
 * `toprank doctor` against real Redis and the fake Discord, Slack and KeyAPI: every check passes
 * on a good setup, and a bad one is named with its fix and a non-zero exit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRedis, startLocalRedis } from '../../src/local-redis.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { envelope, errorBody, type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { runCli } from '../helpers/run-cli.js';

describe('toprank doctor', () => {
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let keyapi: FakeKeyApi;
  let redis: LocalRedis;
  let env: Record<string, string>;

  beforeAll(async () => {
    [discord, slack, keyapi] = await Promise.all([startFakeDiscord(), startFakeSlack(), startFakeKeyApi()]);
    // A good setup keeps its data across a restart (the run's shared Redis does not).
    redis = await startLocalRedis({ args: ['--appendonly', 'yes'] });
    env = {
      REDIS_URL: redis.url,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiBase,
      SLACK_BOT_TOKEN: slack.web.botToken,
      SLACK_SIGNING_SECRET: 'signing-secret-for-doctor',
      SLACK_API_URL: slack.apiUrl,
      KEYAPI_TOKEN: 'sk_live_doctor',
      KEYAPI_BASE_URL: keyapi.url,
    };
  });
  afterAll(async () => {
    await Promise.all([discord.close(), slack.close(), keyapi.close(), redis.stop()]);
  });

  it('passes every check of a good setup without spending a credit, and exits 0', async () => {
    const result = await runCli(['doctor'], env);
    expect(result.stdout).toContain('✓ Configuration');
    expect(result.stdout).toContain('✓ Redis reachable');
    expect(result.stdout).toContain('✓ Redis eviction policy: noeviction');
    expect(result.stdout).toContain('✓ Redis persistence: AOF on (appendonly yes)');
    expect(result.stdout).toContain('✓ Discord token');
    expect(result.stdout).toContain('✓ Slack token');
    expect(result.stdout).toContain('KeyAPI key: not checked');
    expect(keyapi.requests).toHaveLength(0);
    expect(result.code).toBe(0);
  });

  it('checks the KeyAPI key with exactly one request when allowed to spend a credit', async () => {
    keyapi.script({ body: envelope([{ user_id: '1' }]) });
    const result = await runCli(['doctor', '--spend-credit'], env);
    expect(result.stdout).toContain('✓ KeyAPI key');
    expect(keyapi.requests).toHaveLength(1);
  });

  it('names the failing check with its fix, never printing the token, and exits 1', async () => {
    keyapi.script({ status: 402, body: errorBody(402, 'apiKey quota is not enough') });
    const result = await runCli(['doctor', '--spend-credit'], {
      ...env,
      SLACK_BOT_TOKEN: 'xoxb-wrong-token-123',
    });
    expect(result.stdout).toMatch(/✗ Slack token: invalid_auth: reinstall the app/);
    expect(result.stdout).toContain('✗ KeyAPI key: The KeyAPI credits are used up.');
    expect(result.stdout).toContain('✓ Discord token');
    expect(result.stdout + result.stderr).not.toContain('xoxb-wrong-token-123');
    expect(result.code).toBe(1);
  });

  it('checks Slack OAuth credentials for free, naming the variable Slack refused', async () => {
    const oauth = {
      REDIS_URL: redis.url,
      SLACK_CLIENT_ID: '1111111111.2222222222',
      SLACK_CLIENT_SECRET: 'fake-client-secret',
      SLACK_STATE_SECRET: 'state-secret-0123456789abcdef',
      SLACK_SIGNING_SECRET: 'signing-secret-for-doctor',
      SLACK_API_URL: slack.apiUrl,
    };
    const good = await runCli(['doctor'], oauth);
    expect(good.stdout).toContain('✓ Slack OAuth app: client id and secret accepted');
    expect(good.code).toBe(0);

    const bad = await runCli(['doctor'], { ...oauth, SLACK_CLIENT_SECRET: 'not-the-secret-1' });
    expect(bad.stdout).toContain('✗ Slack OAuth app: bad_client_secret: check SLACK_CLIENT_SECRET');
    expect(bad.stdout + bad.stderr).not.toContain('not-the-secret-1');
    expect(bad.code).toBe(1);
  });

  it("names the application's public key when DISCORD_PUBLIC_KEY is another one", async () => {
    const result = await runCli(['doctor'], { ...env, DISCORD_PUBLIC_KEY: 'ab'.repeat(32) });
    expect(result.stdout).toContain(
      `✗ Discord token: DISCORD_PUBLIC_KEY is not this application's public key: set DISCORD_PUBLIC_KEY=${'0'.repeat(64)}`,
    );
    expect(result.code).toBe(1);
  });
});
