/**
 * Story: Slack is struggling. It stores a digest but answers chat.postMessage with a 5xx (or too late),
 * so the bot cannot know whether it posted. The Web API client must not send it again on its own: the
 * delivery job's retry looks the delivery up in the channel's history first, finds it, and the channel
 * shows the digest exactly once. Real BullMQ workers, the real Slack adapter, the fake Slack on the wire.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisSeenRequests } from '../../src/adapters/slack/request-guard.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { slackChannel } from '../../src/chat/channel-ref.js';
import type { View } from '../../src/chat/view.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.js';
import { digestJobOf, startTestWorkers, waitUntil } from '../helpers/jobs.js';
import { useJobsFixture } from '../helpers/jobs-fixture.js';
import { CHANNEL, FAST_RETRIES } from '../helpers/slack-test-app.js';
import { FIVE_QUERIES, makeSubscription } from '../helpers/subscriptions.js';
import { createTestLog } from '../helpers/test-log.js';

const log = createTestLog({ level: 'silent' }).log;
const digest: View = { title: 'Weekly digest', blocks: [{ kind: 'text', text: 'Mia Glow ▲2' }] };

describe('a digest posted to a struggling Slack', () => {
  const fx = useJobsFixture();
  let fake: FakeSlack;
  let adapter: SlackAdapter;

  beforeEach(async () => {
    fake = await startFakeSlack();
    adapter = createSlackAdapter({
      botToken: fake.web.botToken,
      signingSecret: 'unused-signing-secret',
      seenRequests: createRedisSeenRequests(fx.t.redis.redis, fx.t.redis.prefix),
      apiUrl: fake.apiUrl,
      services: fx.t.core,
      log,
      // Retries allowed for everything else: posting must not use them.
      retryConfig: FAST_RETRIES,
    });
    await adapter.start();
  });
  afterEach(async () => {
    await fx.workers?.close();
    fx.workers = undefined;
    await adapter.stop();
    await fake.close();
  });

  const channel = () => slackChannel(fake.web.teamId, CHANNEL);

  it('sends chat.postMessage once when Slack answers a 500 after storing the message', async () => {
    fake.web.answerPosts({ times: 1, status: 500 });
    const error = await adapter.send(channel(), digest, { deliveryId: 'sub1-week' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'platform_error' });
    expect(fake.web.calls('chat.postMessage')).toHaveLength(1);
    expect(fake.web.messages(CHANNEL)).toHaveLength(1);
  });

  it('leaves the retry to the delivery job, which finds the post in the history: one message', async () => {
    const sub = makeSubscription({ channel: channel(), query: FIVE_QUERIES[0] });
    await fx.t.core.subscriptions.store.add(sub, 25);
    fake.web.answerPosts({ times: 1, status: 500 });
    fx.workers = await startTestWorkers(fx.t.core, new Map([['slack', adapter]]), log, {
      now: () => new Date('2026-11-23T09:01:00Z'),
    });
    await fx.workers.queues.tick.add('tick', {
      slotId: 'week-0900-UTC',
      firedAt: Date.parse('2026-11-23T09:00:00Z'),
    });
    const { deliver } = fx.workers.queues;
    // The job's first retry comes after its backoff (5 s).
    await waitUntil(
      'the delivery has completed',
      async () => (await (await digestJobOf(deliver, sub.id))?.getState()) === 'completed',
      20_000,
    );

    const job = await digestJobOf(deliver, sub.id);
    expect(job?.returnvalue).toEqual({ posted: [], duplicates: [channel()], skipped: 0 });
    expect(fake.web.messages(CHANNEL)).toHaveLength(1);
    expect(fake.web.calls('chat.postMessage')).toHaveLength(1);
    expect(fake.web.calls('conversations.history')).toHaveLength(1);
  });
});
