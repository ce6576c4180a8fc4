/**
 * Redis Cluster, as the README promises: a REDIS_URL naming one node of a real 3-node cluster, and
 * not the node that owns the `{toprank}` slot, is enough. `/toprank` caches its pages, a
 * subscription is stored and its digest tick runs through BullMQ, and the doctor passes.
 */
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandContext, runTextCommand } from '../../commands/index.js';
import { createConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { renderConsole } from '../../src/adapters/console/render.js';
import { runDigestCommand } from '../../src/cli/digest.js';
import { loadConfig } from '../../src/config.js';
import { type ScheduledCore, withSchedules } from '../../src/jobs/scheduling.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { createCore } from '../../src/services.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster.js';
import { runCli } from '../helpers/run-cli.js';
import { createTestLog } from '../helpers/test-log.js';

const PREFIX = '{toprank}';
const CHANNEL = 'console:cluster';

describe('toprank on a Redis Cluster, through a node that does not own the {toprank} slot', () => {
  let cluster: TestCluster;
  let url: string;
  let owner: Redis;
  let sample: SampleKeyApiServer;
  let core: ScheduledCore;
  let ctx: CommandContext;

  beforeAll(async () => {
    cluster = await startTestCluster();
    url = await cluster.urlNotOwning(PREFIX);
    owner = new Redis(await cluster.urlOwning(PREFIX));
    sample = await startSampleKeyApiServer();
    const config = loadConfig({
      REDIS_URL: url,
      KEYAPI_BASE_URL: sample.url,
      KEYAPI_TOKEN: 'sk_live_cluster',
      KEYAPI_QPS: '100',
    });
    const log = createTestLog({ level: 'silent' }).log;
    core = withSchedules(await createCore(config, log), log);
    ctx = { channel: CHANNEL, user: { id: 'u1' }, services: core, log, now: () => new Date() };
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    owner?.disconnect();
    await sample?.close();
    await cluster?.stop();
  });

  it('answers /toprank and keeps its pages in the cache, on the node owning the slot', async () => {
    const view = await runTextCommand('toprank', 'region:US limit:3', ctx);
    expect(view.title).toBe('🇺🇸 US daily top 3 by followers');
    const requests = sample.requestCount;
    expect((await owner.keys(`${PREFIX}:page:*`)).length).toBeGreaterThan(0);
    // Asked again, it is served from the cache: no more upstream requests.
    await runTextCommand('toprank', 'region:US limit:3', ctx);
    expect(sample.requestCount).toBe(requests);
  });

  it('stores a subscription and delivers its digest from a tick run through BullMQ', async () => {
    const subscribed = await runTextCommand('toprank-subscribe', 'region:US type:day limit:3', ctx);
    expect(renderConsole(subscribed)).toMatch(/Subscribed \(`[a-z0-9]+`\): US daily top 3 by followers/);
    const listed = renderConsole(await runTextCommand('toprank-subscriptions', '', ctx));
    expect(listed).toContain('US daily top 3 by followers');

    const output = new PassThrough();
    let posted = '';
    output.on('data', (chunk: Buffer) => {
      posted += chunk.toString();
    });
    const adapter = createConsoleAdapter({ output, channels: [CHANNEL] });
    const report = await runDigestCommand(['run', '--type', 'day'], {
      core,
      adapters: new Map([['console', adapter]]),
      log: ctx.log,
    });
    expect(report).toContain('1 digests queued');
    expect(report).toContain('Deliveries: 1 delivered or already there, 0 failed, 0 still pending.');
    expect(posted).toContain(`── ${CHANNEL} ──`);
    expect(posted).toContain('US daily top 3 by followers');
    // BullMQ's keys are in the same slot as ours.
    expect((await owner.keys(`${PREFIX}:toprank-deliver:*`)).length).toBeGreaterThan(0);
  }, 60_000);

  describe('toprank doctor', () => {
    let slack: FakeSlack;
    beforeAll(async () => {
      slack = await startFakeSlack();
    });
    afterAll(() => slack.close());

    it('passes, and says the slot of {toprank} is reached through the cluster', async () => {
      const result = await runCli(['doctor'], {
        REDIS_URL: url,
        SLACK_BOT_TOKEN: slack.web.botToken,
        SLACK_SIGNING_SECRET: 'signing-secret-cluster',
        SLACK_API_URL: slack.apiUrl,
      });
      expect(result.stdout).toContain('✓ Redis reachable');
      expect(result.stdout).toContain(
        '✓ Redis Cluster: cluster_state ok; every key of {toprank} is in slot 13460, reached',
      );
      expect(result.stdout).toContain('✓ Redis persistence: AOF on (appendonly yes)');
      expect(result.stdout).not.toContain('✗');
      expect(result.code).toBe(0);
    }, 60_000);
  });
});
