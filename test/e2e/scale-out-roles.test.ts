/**
 * Scaling out as an operator does: one `start --role bot` and two `start --role worker` processes on
 * one Redis. The bot holds the Discord session; the workers deliver a digest tick, each channel
 * exactly once; SIGTERM stops all three cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTextCommand } from '../../commands/index.js';
import { discordChannel } from '../../src/chat/channel-ref.js';
import { createQueues } from '../../src/jobs/queues.js';
import { tickJobId } from '../../src/keys.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.js';
import { queuesIdle, waitUntil } from '../helpers/jobs.js';
import { createTestCore, type TestCore } from '../helpers/test-core.js';
import { createTestLog } from '../helpers/test-log.js';

const CHANNELS = Array.from({ length: 8 }, (_, i) => `13000000000000000${10 + i}`);

describe('one bot and two workers on one Redis', () => {
  let fake: FakeDiscord;
  let sample: SampleKeyApiServer;
  let t: TestCore;
  let processes: BotProcess[] = [];

  beforeAll(async () => {
    [fake, sample] = await Promise.all([startFakeDiscord(), startSampleKeyApiServer()]);
    t = await createTestCore(sample.url, { now: () => new Date() });
    for (const id of CHANNELS) {
      fake.addTextChannel(id);
      const ctx = {
        channel: discordChannel(id),
        user: { id: 'u1', canManageChannel: true },
        services: t.core,
        log: createTestLog({ level: 'silent' }).log,
        now: () => new Date(),
      };
      const view = await runTextCommand('toprank-subscribe', 'region:US type:week by:sales limit:5', ctx);
      expect(view.blocks[0]).toMatchObject({ kind: 'notice', tone: 'info' });
    }
    const env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiBase,
      KEYAPI_BASE_URL: sample.url,
      KEYAPI_TOKEN: 'sk_live_scale',
      KEYAPI_QPS: '100',
      REDIS_URL: t.redis.url,
      REDIS_KEY_PREFIX: t.redis.prefix,
    };
    processes = await Promise.all([
      startBotProcess(['--role', 'bot'], env),
      startBotProcess(['--role', 'worker'], env),
      startBotProcess(['--role', 'worker'], env),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await fake.close();
    await sample.close();
    await t.close();
  });

  it('gives the gateway session to the bot only, and each role its own health', async () => {
    const [bot, worker] = await Promise.all(
      processes.slice(0, 2).map(async (p) => (await fetch(`${p.url}/healthz`)).json()),
    );
    expect(bot).toMatchObject({ status: 'ok', role: 'bot', adapters: { discord: 'connected' } });
    expect(worker).toMatchObject({ status: 'ok', role: 'worker', adapters: {} });
    expect(fake.gateway.identifies).toHaveLength(1);
  });

  it('delivers a tick to every channel exactly once', async () => {
    const [slotId = ''] = await t.core.subscriptions.store.listSlots();
    const queues = createQueues(t.redis.redis, t.redis.prefix);
    const firedAt = Date.now();
    // Twice, as a retried tick or a second scheduler firing would.
    await queues.tick.add('tick', { slotId, firedAt }, { jobId: tickJobId(slotId, firedAt) });
    await queues.tick.add(
      'tick',
      { slotId, firedAt: firedAt + 1 },
      { jobId: tickJobId(slotId, firedAt + 1) },
    );
    await queues.close();

    await waitUntil(
      'every channel has its digest',
      async () => fake.rest.channelMessages().length >= CHANNELS.length,
      30_000,
    );
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix), 30_000);
    const created = fake.rest.channelMessages().filter((r) => r.status === 200);
    expect(CHANNELS.map((id) => created.filter((r) => r.path.includes(`/channels/${id}/`)).length)).toEqual(
      CHANNELS.map(() => 1),
    );
  });

  it('stops every process cleanly on SIGTERM', async () => {
    const codes = await Promise.all(processes.map((p) => p.stop()));
    expect(codes).toEqual([0, 0, 0]);
    processes = [];
  });
});
