/**
 * Story: two worker processes post a slot's digests through real discord.js to a Discord that enforces
 * its global limit (50 requests/s per bot). When Discord answers one post with a global 429 (the bot's
 * other traffic spent its second), discord.js reports the headers, the shared pacer hears them, and
 * neither process posts again before the Retry-After (beyond the posts already on their way); every
 * digest still lands once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { DOCUMENTED_LIMITS } from '../../src/jobs/pacer.js';
import type { RunningWorkers } from '../../src/jobs/worker.js';
import { tickJobId } from '../../src/keys.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../helpers/jobs.js';
import { addMany, FIVE_QUERIES } from '../helpers/subscriptions.js';
import { createTestCore, type TestCore } from '../helpers/test-core.js';
import { createTestLog } from '../helpers/test-log.js';

const slotId = 'week-0900-UTC';
const firedAt = Date.parse('2026-11-23T09:00:00Z');
const RETRY_AFTER_MS = 1_000;

describe('Discord rate-limit feedback across worker processes', () => {
  let sample: SampleKeyApiServer;
  let fake: FakeDiscord;
  let t: TestCore;
  const running: RunningWorkers[] = [];
  const log = createTestLog({ level: 'silent' }).log;

  beforeEach(async () => {
    sample = await startSampleKeyApiServer({ today: () => '2026-11-25' });
    fake = await startFakeDiscord({ globalPerSecond: 50 });
    t = await createTestCore(sample.url);
  });
  afterEach(async () => {
    for (const workers of running.splice(0)) await workers.close();
    await obliterateQueues(t.redis.redis, t.redis.prefix);
    await t.close();
    await fake.close();
    await sample.close();
  });

  it('holds both processes back for the Retry-After of a global 429 and posts every digest once', async () => {
    const subs = await addMany(t.core.subscriptions.store, 40, FIVE_QUERIES);
    for (const sub of subs) fake.addTextChannel(sub.channel.replace('discord:', ''));
    fake.rest.refuseNextGlobally(RETRY_AFTER_MS);
    // Each "process" has its own discord.js REST client, which knows only its own requests.
    for (let i = 0; i < 2; i++) {
      const adapter = createDiscordAdapter({
        token: fake.token,
        applicationId: fake.applicationId,
        apiUrl: fake.apiBase,
        services: t.core,
        log,
      });
      running.push(
        await startTestWorkers(t.core, new Map([['discord', adapter]]), log, {
          now: () => new Date('2026-11-23T09:01:00Z'),
          limits: DOCUMENTED_LIMITS,
          deliverConcurrency: 10,
          only: i === 0 ? undefined : ['deliver'],
        }),
      );
    }
    await running[0]?.queues.tick.add('tick', { slotId, firedAt }, { jobId: tickJobId(slotId, firedAt) });
    await waitUntil(
      'every digest is posted',
      async () => fake.rest.channelMessages().filter((r) => r.status === 200).length >= subs.length,
      20_000,
    );
    await waitUntil('the queues are idle', () => queuesIdle(t.redis.redis, t.redis.prefix), 20_000);

    const posts = fake.rest.channelMessages();
    const refused = posts.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    const limitedAt = refused[0]?.at ?? 0;
    const after = posts.filter((r) => r.at > limitedAt);
    expect(after.length).toBeGreaterThan(0);
    // Posts already on their way when the 429 came back may still land; after that, none until Retry-After.
    const inFlight = 250;
    expect(after.map((r) => r.at - limitedAt).filter((d) => d > inFlight && d < RETRY_AFTER_MS)).toEqual([]);
    for (const sub of subs) expect(fake.rest.messagesIn(sub.channel.replace('discord:', ''))).toHaveLength(1);
  });
});
