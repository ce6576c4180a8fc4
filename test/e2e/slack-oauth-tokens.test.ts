/**
 * Story: one adapter (real Bolt, OAuth) serving two workspaces, as a bot process does: a file answer is
 * uploaded with the asking workspace's token, a retried digest is looked up in the history with that
 * workspace's token and found as its own bot's post, and a workspace that uninstalled (no installation
 * left, or a token Slack now refuses) takes no post: the delivery reports the channel unavailable with
 * the uninstall reason, so its subscriptions pause. The single-workspace setup reports itself so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisInstallationStore } from '../../src/adapters/slack/redis-installation-store.js';
import { createRedisSeenRequests } from '../../src/adapters/slack/request-guard.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { slackChannel } from '../../src/chat/channel-ref.js';
import { ChannelUnavailableError } from '../../src/chat/chat-adapter.js';
import type { View } from '../../src/chat/view.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { postToBolt, slashCommandBody } from '../fakes/slack/slack-signer.js';
import { installSlackApp } from '../helpers/slack-oauth-install.js';
import { FAST_RETRIES, startSlackTestApp } from '../helpers/slack-test-app.js';
import { createTestCore, TEST_NOW, type TestCore } from '../helpers/test-core.js';
import { createTestLog, type TestLog } from '../helpers/test-log.js';

const SIGNING_SECRET = 'oauth-tokens-signing-secret';
const ACME = { team: 'T0ACME0002', channel: 'C0ACME0002' };
const BOLT = { team: 'T0BOLT0002', channel: 'C0BOLT0002' };

const digest: View = { title: 'Weekly digest', blocks: [{ kind: 'text', text: '1. Mia Glow' }] };

let keyapi: SampleKeyApiServer;
let fake: FakeSlack;
let t: TestCore;
let log: TestLog;
let adapter: SlackAdapter;
let http: HttpServer;

beforeEach(async () => {
  keyapi = await startSampleKeyApiServer({ today: () => '2026-11-25' });
  fake = await startFakeSlack();
  fake.web.workspaces.add(ACME.team, { channels: [ACME.channel] });
  fake.web.workspaces.add(BOLT.team, { channels: [BOLT.channel] });
  t = await createTestCore(keyapi.url);
  log = createTestLog({ level: 'debug' });
  adapter = createSlackAdapter({
    oauth: {
      clientId: '1111111111.2222222222',
      clientSecret: 'fake-client-secret',
      stateSecret: 'state-secret-0123456789abcdef',
      installations: createRedisInstallationStore(t.redis.redis, t.redis.prefix),
    },
    signingSecret: SIGNING_SECRET,
    seenRequests: createRedisSeenRequests(t.redis.redis, t.redis.prefix),
    apiUrl: fake.apiUrl,
    services: t.core,
    log: log.log,
    now: () => TEST_NOW,
    retryConfig: FAST_RETRIES,
  });
  await adapter.start();
  http = createHttpServer({
    port: 0,
    host: '127.0.0.1',
    log: log.log,
    slack: adapter.requestListener,
    routes: adapter.installRoutes,
  });
  await http.listen();
  for (const team of [ACME.team, BOLT.team]) {
    expect((await installSlackApp(http.url, fake, team)).status).toBe(200);
  }
});
afterEach(async () => {
  await http.close();
  await adapter.stop();
  await fake.close();
  await t.close();
  await keyapi.close();
});

describe('Slack adapter with OAuth installations', () => {
  it("uploads a command's file with the asking workspace's token", async () => {
    const responseUrl = fake.web.responseUrl();
    const body = slashCommandBody({
      command: '/toprank',
      text: 'region:US type:week format:csv',
      teamId: BOLT.team,
      channelId: BOLT.channel,
      userId: 'U0ASKER002',
      responseUrl,
    });
    expect((await postToBolt(`${http.url}/slack/events`, body, SIGNING_SECRET)).status).toBe(200);

    const upload = await fake.web.waitFor(
      (c) => c.method === 'files.completeUploadExternal' && c.status === 200,
      10_000,
    );
    expect(upload.team).toBe(BOLT.team);
    expect(fake.web.messages(BOLT.channel).flatMap((m) => m.files ?? [])).toHaveLength(1);
  });

  it("finds a retried digest in the history with the workspace's token, as its own bot's post", async () => {
    const ref = slackChannel(ACME.team, ACME.channel);
    await adapter.send(ref, digest, { deliveryId: 'sub1-week-2026-11-16' });
    const retry = await adapter.send(ref, digest, {
      deliveryId: 'sub1-week-2026-11-16',
      mayHavePosted: true,
    });

    expect(retry.duplicate).toBe(true);
    expect(fake.web.messages(ACME.channel)).toHaveLength(1);
    expect(fake.web.calls('conversations.history').map((c) => c.team)).toEqual([ACME.team]);
  });

  it('reports a workspace without an installation as uninstalled, posting nothing', async () => {
    const installations = createRedisInstallationStore(t.redis.redis, t.redis.prefix);
    expect(await installations.remove(BOLT.team)).toBe(true);

    const error = await adapter.send(slackChannel(BOLT.team, BOLT.channel), digest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelUnavailableError);
    expect(error).toMatchObject({ unavailable: 'uninstalled' });
    expect(fake.web.messages(BOLT.channel)).toEqual([]);
    expect(await installations.count()).toBe(1);
    // The other workspace still posts.
    await adapter.send(slackChannel(ACME.team, ACME.channel), digest);
    expect(fake.web.messages(ACME.channel)).toHaveLength(1);
  });

  it('reports a token Slack refuses as the workspace uninstalled, not as a wrong operator token', async () => {
    fake.web.workspaces.revoke(ACME.team);

    const error = await adapter.send(slackChannel(ACME.team, ACME.channel), digest).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'channel_unavailable', unavailable: 'uninstalled' });
  });

  it('says in its health that it installs by OAuth, and in how many workspaces', async () => {
    expect(await adapter.health()).toEqual({ mode: 'http', install: 'oauth', teams: 2 });
    expect(log.text()).not.toContain(fake.web.workspaces.issued[0]);
  });
});

describe('Slack adapter with one bot token', () => {
  it('says in its health that it serves one workspace', async () => {
    const single = await startSlackTestApp(keyapi.url);
    try {
      expect(await single.adapter.health()).toEqual({ mode: 'http', install: 'single-workspace', teams: 1 });
    } finally {
      await single.close();
    }
  });
});
