/**
 * Story: a bot in many servers runs the gateway sharded. With DISCORD_SHARDS=auto it opens as many
 * shards as Discord's GET /gateway/bot recommends; with DISCORD_SHARD_IDS each bot process holds its
 * own shards, never the same one twice, and each server's interactions reach the shard that holds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDiscordAdapter,
  type DiscordAdapter,
  type ShardPlan,
} from '../../src/adapters/discord/discord-adapter.js';
import { messageFor, ToprankError } from '../../src/errors.js';
import { type SampleKeyApiServer, startSampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { chatInput } from '../fakes/discord/interactions.js';
import { createTestCore, TEST_NOW, type TestCore } from '../helpers/test-core.js';
import { createTestLog } from '../helpers/test-log.js';
import { callbackOf } from './discord-harness.js';

describe('discord gateway, sharded', () => {
  let fake: FakeDiscord;
  let keyapi: SampleKeyApiServer;
  let t: TestCore;
  let adapters: DiscordAdapter[] = [];

  async function setUp() {
    [fake, keyapi] = await Promise.all([
      startFakeDiscord({ recommendedShards: 2 }),
      startSampleKeyApiServer({ today: () => '2026-11-25' }),
    ]);
    t = await createTestCore(keyapi.url);
  }

  function adapter(shards: ShardPlan): DiscordAdapter {
    const made = createDiscordAdapter({
      token: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiBase,
      services: t.core,
      log: createTestLog({ level: 'silent' }).log,
      now: () => TEST_NOW,
      shards,
    });
    adapters.push(made);
    return made;
  }

  afterEach(async () => {
    await Promise.all(adapters.map((a) => a.stop()));
    adapters = [];
    await fake.close();
    await keyapi.close();
    await t.close();
  });

  it('opens every shard Discord recommends with DISCORD_SHARDS=auto, and reports them healthy', async () => {
    await setUp();
    const bot = adapter({ count: 'auto' });
    await bot.start();
    expect(fake.gateway.identifiedShards).toEqual(['0/2', '1/2']);
    expect(fake.gateway.liveSessions).toHaveLength(2);
    expect(bot.health()).toEqual({ mode: 'gateway', shards: { connected: 2, total: 2, count: 2 } });

    const { id } = fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    expect((await callbackOf(fake, id)).body).toMatchObject({ type: 4 });
  });

  it('splits the shards between two bot processes by DISCORD_SHARD_IDS, and one answers each server', async () => {
    await setUp();
    const [first, second] = [adapter({ count: 2, ids: [0] }), adapter({ count: 2, ids: [1] })];
    await Promise.all([first.start(), second.start()]);
    expect(fake.gateway.identifiedShards).toEqual(['0/2', '1/2']);
    expect([first.health(), second.health()]).toEqual([
      { mode: 'gateway', shards: { connected: 1, total: 1, count: 2 } },
      { mode: 'gateway', shards: { connected: 1, total: 1, count: 2 } },
    ]);

    const { id } = fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    await callbackOf(fake, id);
    expect(fake.rest.callbacks(id).map((r) => r.status)).toEqual([204]);
    // The server lives on exactly one shard: only that process has it in its cache.
    expect([first, second].map((a) => a.client.guilds.cache.has(fake.guildId)).sort()).toEqual([false, true]);
  });

  it('refuses to start with a shard id beyond the recommended count, saying how to fix it', async () => {
    await setUp();
    const bot = adapter({ count: 'auto', ids: [0, 2] });
    await expect(bot.start()).rejects.toThrow(ToprankError);
    await expect(bot.start()).rejects.toSatisfy(
      (error: ToprankError) =>
        messageFor(error) === messageFor(new ToprankError('shard_out_of_range', { value: '2', limit: 2 })),
    );
    expect(fake.gateway.identifies).toEqual([]);
  });
});
