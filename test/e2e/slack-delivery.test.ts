/**
 * Story: digests and alerts reach Slack channels through `send()`: chat.postMessage tagged with the
 * delivery, a rate limit waited out (Retry-After), a channel that is gone or forbids the bot reported as
 * ChannelUnavailableError, and a retried delivery found in the channel's history instead of posted twice
 * (a first attempt does not read the history, which Slack rate-limits hard).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisSeenRequests } from '../../src/adapters/slack/request-guard.js';
import { createSlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { slackChannel } from '../../src/chat/channel-ref.js';
import { ChannelUnavailableError, type RateLimitFeedback } from '../../src/chat/chat-adapter.js';
import type { View } from '../../src/chat/view.js';
import { type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import type { ChannelError } from '../fakes/slack/slack-web-api.js';
import { CHANNEL, FAST_RETRIES, type SlackTestApp, startSlackTestApp } from '../helpers/slack-test-app.js';
import { createTestLog } from '../helpers/test-log.js';

let keyapi: FakeKeyApi;
let app: SlackTestApp;

beforeEach(async () => {
  keyapi = await startFakeKeyApi();
  app = await startSlackTestApp(keyapi.url);
});
afterEach(async () => {
  await app.close();
  await keyapi.close();
});

const digest: View = {
  title: 'Weekly digest · US weekly top 1 by sales',
  blocks: [
    {
      kind: 'table',
      columns: ['#', 'Move', 'Creator', 'Handle', 'Sales'],
      rows: [['1', '▲2', 'Mia Glow', { text: '@mia.glow', url: 'https://www.tiktok.com/@mia.glow' }, '1.2K']],
      empty: 'No creators.',
    },
  ],
  footer: 'week of Mon 16 Nov 2026',
};

const ref = (channel = CHANNEL) => slackChannel(app.fake.web.teamId, channel);
const deliveryTag = (id: string) => ({ event_type: 'toprank_delivery', event_payload: { delivery_id: id } });

describe('Slack send()', () => {
  it('posts with chat.postMessage and tags the message with its delivery', async () => {
    const posted = await app.adapter.send(ref(), digest, { deliveryId: 'sub1-2026-11-16' });

    const [message] = app.fake.web.messages(CHANNEL);
    expect(posted).toEqual({ channel: ref(), messageId: message?.ts, duplicate: false });
    expect(message?.metadata).toEqual(deliveryTag('sub1-2026-11-16'));
    expect(JSON.stringify(message?.blocks)).toContain('<https://www.tiktok.com/@mia.glow|@mia.glow>');
  });

  it('waits out a 429 as Retry-After says and posts once', async () => {
    app.fake.web.rateLimit({ method: 'chat.postMessage', channel: CHANNEL, times: 1, retryAfter: 1 });
    await app.adapter.send(ref(), digest);

    expect(app.fake.web.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(app.fake.web.messages(CHANNEL)).toHaveLength(1);
  });

  it("tells the workers' shared pacer about a 429 and its Retry-After, for that channel", async () => {
    const heard: RateLimitFeedback[] = [];
    app.adapter.onRateLimit((feedback) => heard.push(feedback));
    app.fake.web.rateLimit({ method: 'chat.postMessage', channel: CHANNEL, times: 1, retryAfter: 1 });
    await app.adapter.send(ref(), digest);

    expect(heard).toEqual([{ platform: 'slack', channel: ref(), retryAfterMs: 1_000, limited: true }]);
  });

  it.each<[ChannelError, string]>([
    ['channel_not_found', 'gone'],
    ['not_in_channel', 'forbidden'],
    ['is_archived', 'archived'],
  ])('reports %s as ChannelUnavailableError (%s)', async (slackError, reason) => {
    app.fake.web.failChannel('C0BROKEN01', slackError);
    const error = await app.adapter.send(ref('C0BROKEN01'), digest).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ChannelUnavailableError);
    expect(error).toMatchObject({
      channel: ref('C0BROKEN01'),
      unavailable: reason,
      code: 'channel_unavailable',
    });
    expect(app.fake.web.messages('C0BROKEN01')).toEqual([]);
  });

  it('reports a revoked token (invalid_auth) as ChannelUnavailableError (unauthorized)', async () => {
    const revoked = createSlackAdapter({
      botToken: 'xoxb-revoked-0000',
      signingSecret: 'unused-secret-0000',
      seenRequests: createRedisSeenRequests(app.core.redis.redis, app.core.redis.prefix),
      apiUrl: app.fake.apiUrl,
      services: app.core.core,
      log: createTestLog({ level: 'silent' }).log,
      retryConfig: FAST_RETRIES,
    });
    const error = await revoked.send(ref(), digest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelUnavailableError);
    expect(error).toMatchObject({ unavailable: 'unauthorized' });
    expect(String((error as Error).message)).not.toContain('xoxb-');
  });

  it('posts a delivery sent twice only once', async () => {
    const first = await app.adapter.send(ref(), digest, { deliveryId: 'sub1-2026-11-16' });
    // The retry of an attempt whose outcome is unknown: it may have posted.
    const second = await app.adapter.send(ref(), digest, {
      deliveryId: 'sub1-2026-11-16',
      mayHavePosted: true,
    });

    expect(second).toEqual({ channel: ref(), messageId: first.messageId, duplicate: true });
    expect(app.fake.web.messages(CHANNEL)).toHaveLength(1);
    const history = app.fake.web.calls('conversations.history');
    expect(history.at(-1)?.args).toMatchObject({ channel: CHANNEL, include_all_metadata: 'true' });
  });

  it('finds a delivery posted before a crash and does not post it again', async () => {
    // The previous worker posted, then died before recording it.
    const earlier = app.fake.web.seedMessage(CHANNEL, {
      text: 'digest',
      metadata: deliveryTag('sub7-2026-11-16'),
    });
    const posted = await app.adapter.send(ref(), digest, {
      deliveryId: 'sub7-2026-11-16',
      mayHavePosted: true,
    });

    expect(posted).toMatchObject({ duplicate: true, messageId: earlier.ts });
    expect(app.fake.web.calls('chat.postMessage')).toEqual([]);
  });

  it('posts when the only matching tag is older than the look-back window or from another app', async () => {
    const twoDaysAgo = `${Math.floor(Date.now() / 1000) - 2 * 86_400}.000100`;
    app.fake.web.seedMessage(CHANNEL, {
      text: 'old',
      ts: twoDaysAgo,
      metadata: deliveryTag('sub9-2026-11-16'),
    });
    app.fake.web.seedMessage(CHANNEL, {
      text: 'someone else',
      bot_id: 'B0OTHERAPP',
      user: 'U0OTHERBOT',
      metadata: deliveryTag('sub9-2026-11-16'),
    });
    const posted = await app.adapter.send(ref(), digest, {
      deliveryId: 'sub9-2026-11-16',
      mayHavePosted: true,
    });

    expect(posted.duplicate).toBe(false);
    expect(app.fake.web.calls('chat.postMessage')).toHaveLength(1);
  });

  it('posts when the history cannot be read, and tells the operator which scope is missing', async () => {
    app.fake.web.missingScope('conversations.history', 'groups:history');
    const posted = await app.adapter.send(ref(), digest, {
      deliveryId: 'sub4-2026-11-16',
      mayHavePosted: true,
    });

    expect(posted.duplicate).toBe(false);
    expect(app.fake.web.messages(CHANNEL)).toHaveLength(1);
    const error = app.log.lines().find((l) => l.level === 50 && String(l.msg).includes('missing scope'));
    expect(error).toMatchObject({ needed: 'groups:history' });
    expect(String(error?.msg)).toContain('reinstall the app from the current manifest');
  });

  it('posts a first attempt without reading the channel history (a Tier 3 method)', async () => {
    const posted = await app.adapter.send(ref(), digest, { deliveryId: 'sub3-2026-11-16' });

    expect(posted.duplicate).toBe(false);
    expect(app.fake.web.calls('conversations.history')).toEqual([]);
    expect(app.fake.web.calls('chat.postMessage')).toHaveLength(1);
  });

  it('posts a different delivery to the same channel', async () => {
    await app.adapter.send(ref(), digest, { deliveryId: 'sub1-2026-11-16' });
    const other = await app.adapter.send(ref(), digest, { deliveryId: 'sub1-2026-11-23' });
    expect(other.duplicate).toBe(false);
    expect(app.fake.web.messages(CHANNEL)).toHaveLength(2);
  });
});
