/**
 * A first run against a REDIS_URL that cannot work: nothing listening, a wrong password, a port that
 * speaks HTTP. `toprank start` says which in one sentence naming REDIS_URL (never the password) and
 * exits 1; `toprank doctor` tells the three apart too.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type LocalRedis, startLocalRedis } from '../../src/local-redis.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { runCli } from '../helpers/run-cli.js';

const PASSWORD = 'wrong-pass-73';

describe('a REDIS_URL that cannot work', () => {
  let locked: LocalRedis;
  let http: Server;
  let slack: FakeSlack;
  const urls = { nothing: '', wrongPassword: '', http: '' };
  let port = 0;

  beforeAll(async () => {
    locked = await startLocalRedis({ args: ['--requirepass', 'the-right-one'] });
    http = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    const httpPort = typeof address === 'object' && address ? address.port : 0;
    slack = await startFakeSlack();
    port = await freePort();
    urls.nothing = `redis://:${PASSWORD}@127.0.0.1:${await freePort()}`;
    urls.wrongPassword = locked.url.replace('redis://', `redis://:${PASSWORD}@`);
    urls.http = `redis://:${PASSWORD}@127.0.0.1:${httpPort}`;
  });
  afterAll(async () => {
    await locked.stop();
    await new Promise((resolve) => http.close(resolve));
    await slack.close();
  });

  const env = (url: string) => ({
    REDIS_URL: url,
    PORT: String(port),
    SLACK_BOT_TOKEN: slack.web.botToken,
    SLACK_SIGNING_SECRET: 'signing-secret-first-run',
    SLACK_API_URL: slack.apiUrl,
  });
  const sentences = {
    nothing:
      /^Redis at REDIS_URL \(redis:\/\/\*\*\*@127\.0\.0\.1:\d+\) is not reachable \(ECONNREFUSED\): start Redis there, or set REDIS_URL to where it runs\.$/,
    wrongPassword:
      /^Redis at REDIS_URL \(redis:\/\/\*\*\*@127\.0\.0\.1:\d+\) refused the password, or needs one: set REDIS_URL to redis:\/\/:<password>@host:port with the right one\.$/,
    http: /^What answers at REDIS_URL \(redis:\/\/\*\*\*@127\.0\.0\.1:\d+\) is not Redis, or speaks TLS: check its host and port, and use rediss:\/\/ for a TLS server\.$/,
  };
  const cases = Object.keys(sentences) as (keyof typeof sentences)[];

  it.each(cases)(
    'start says why in one sentence and exits 1 (%s)',
    async (which) => {
      const result = await runCli(['start'], env(urls[which]));
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      // One line, no stack trace, no worker errors, no ioredis retry message.
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(sentences[which]);
      expect(result.stderr).not.toContain(PASSWORD);
    },
    30_000,
  );

  it.each(cases)(
    'doctor names the same problem and exits 1 (%s)',
    async (which) => {
      const result = await runCli(['doctor'], env(urls[which]));
      expect(result.code).toBe(1);
      const line = result.stdout.split('\n').find((l) => l.includes('Redis reachable')) ?? '';
      expect(line.replace('✗ Redis reachable: ', '')).toMatch(sentences[which]);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    },
    30_000,
  );
});

describe('toprank doctor on Redis persistence', () => {
  let slack: FakeSlack;
  let volatile: LocalRedis;
  let managed: LocalRedis;

  beforeAll(async () => {
    slack = await startFakeSlack();
    volatile = await startLocalRedis();
    // As managed Redis services do: CONFIG is not available to clients.
    managed = await startLocalRedis({ args: ['--rename-command', 'CONFIG', ''] });
  });
  afterAll(async () => {
    await Promise.all([slack.close(), volatile.stop(), managed.stop()]);
  });

  const env = (url: string) => ({
    REDIS_URL: url,
    SLACK_BOT_TOKEN: slack.web.botToken,
    SLACK_SIGNING_SECRET: 'signing-secret-persistence',
    SLACK_API_URL: slack.apiUrl,
  });

  it('fails with the fix when neither AOF nor RDB snapshots are on', async () => {
    const result = await runCli(['doctor'], env(volatile.url));
    expect(result.stdout).toContain(
      '✗ Redis persistence: neither AOF nor RDB snapshots are on, so a restart loses every subscription: turn AOF on (redis-cli config set appendonly yes, and appendonly yes in redis.conf)',
    );
    expect(result.stdout).toContain('✓ Redis eviction policy');
    expect(result.stdout).toContain('✓ Slack token');
    expect(result.code).toBe(1);
  }, 30_000);

  it('warns, and still passes, when the server refuses CONFIG', async () => {
    const result = await runCli(['doctor'], env(managed.url));
    expect(result.stdout).toContain('! Redis persistence: this Redis refuses CONFIG (managed Redis?)');
    expect(result.stdout).not.toContain('✗');
    expect(result.code).toBe(0);
  }, 30_000);
});
