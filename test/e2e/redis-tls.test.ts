/**
 * `rediss://` (TLS, as managed Redis requires): a real redis-server serving TLS with a certificate of
 * its own CA, trusted through NODE_EXTRA_CA_CERTS; and a cluster client built for rediss:// carries
 * TLS and the credentials to every node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type LocalRedis, startLocalRedis } from '../../src/local-redis.js';
import { connectRedis } from '../../src/redis-connection.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { runCli } from '../helpers/run-cli.js';

describe('Redis over TLS (rediss://)', () => {
  let dir: string;
  let cert: string;
  let redis: LocalRedis;
  let slack: FakeSlack;
  let tlsUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toprank-tls-'));
    cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    // A self-signed certificate for 127.0.0.1, which is its own CA.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const tlsPort = await freePort();
    redis = await startLocalRedis({
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        cert,
        '--tls-key-file',
        key,
        '--tls-ca-cert-file',
        cert,
        '--tls-auth-clients',
        'no',
        '--appendonly',
        'yes',
      ],
    });
    tlsUrl = `rediss://127.0.0.1:${tlsPort}`;
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await redis?.stop();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string>) => ({
    REDIS_URL: tlsUrl,
    SLACK_BOT_TOKEN: slack.web.botToken,
    SLACK_SIGNING_SECRET: 'signing-secret-tls',
    SLACK_API_URL: slack.apiUrl,
    ...extra,
  });

  it('connects with TLS when the server certificate is trusted', async () => {
    const result = await runCli(['doctor'], env({ NODE_EXTRA_CA_CERTS: cert }));
    expect(result.stdout).toContain(`✓ Redis reachable: ${tlsUrl}`);
    expect(result.stdout).toContain('✓ Redis persistence: AOF on');
    expect(result.code).toBe(0);
  }, 30_000);

  it('checks the certificate: an untrusted one is refused, naming REDIS_URL', async () => {
    const result = await runCli(['doctor'], env({}));
    expect(result.stdout).toMatch(
      /✗ Redis reachable: Redis at REDIS_URL \(rediss:\/\/127\.0\.0\.1:\d+\) is not reachable \([A-Z_]+\)/,
    );
    expect(result.code).toBe(1);
  }, 30_000);

  it('gives a cluster client TLS and the credentials for every node', async () => {
    const port = await freePort();
    const client = connectRedis(`rediss://ops:p%40ss@127.0.0.1:${port}`, true, 'queue');
    client.on('error', () => {});
    try {
      expect(client).toBeInstanceOf(Cluster);
      const { redisOptions } = (client as Cluster).options;
      expect(redisOptions).toMatchObject({
        username: 'ops',
        password: 'p@ss',
        tls: {},
        maxRetriesPerRequest: null,
      });
    } finally {
      client.disconnect();
    }
  });
});
