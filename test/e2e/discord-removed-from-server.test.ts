/**
 * Story: a server admin removes the bot. Discord sends GUILD_DELETE, and every subscription of that
 * server pauses with the reason — those that stored their server, and older ones found through the
 * server's channels — while other servers' subscriptions keep running. A server outage
 * (GUILD_DELETE with `unavailable`) pauses nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTextCommand } from '../../commands/index.js';
import { discordChannel } from '../../src/chat/channel-ref.js';
import { describeUnavailable } from '../../src/errors.js';
import type { Subscription } from '../../src/subscriptions/subscription.js';
import { chatInput } from '../fakes/discord/interactions.js';
import { DEFAULT_MEMBER_PERMISSIONS } from '../fakes/discord/payloads.js';
import { waitUntil } from '../helpers/jobs.js';
import { createTestLog } from '../helpers/test-log.js';
import { callbackOf, type DiscordBot, startDiscordBot, visibleText } from './discord-harness.js';

const MANAGE_CHANNELS = 1n << 4n;
const OLD_CHANNEL = '1300000000000000077';
const OTHER_SERVER_CHANNEL = '1300000000000000088';

describe('discord: the bot removed from a server', () => {
  let bot: DiscordBot;
  beforeEach(async () => {
    bot = await startDiscordBot();
  });
  afterEach(() => bot.close());

  /** /toprank-subscribe over the gateway, as a member who may manage the channel. */
  async function subscribe(region: string): Promise<string> {
    const { id } = bot.fake.interact(
      chatInput({
        name: 'toprank-subscribe',
        options: [{ name: 'region', type: 3, value: region }],
        memberPermissions: BigInt(DEFAULT_MEMBER_PERMISSIONS) | MANAGE_CHANNELS,
      }),
    );
    const callback = (await callbackOf(bot.fake, id)).body as { data: Record<string, unknown> };
    const subscriptionId = /`([a-z0-9]{4,12})`/.exec(visibleText(callback.data))?.[1];
    if (!subscriptionId) throw new Error(`not subscribed: ${visibleText(callback.data)}`);
    return subscriptionId;
  }

  /** A subscription made the way older versions made them: no server stored. */
  async function subscribeWithoutServer(channel: string): Promise<Subscription> {
    const ctx = {
      channel: discordChannel(channel),
      user: { id: 'u1', canManageChannel: true },
      services: bot.core,
      log: createTestLog({ level: 'silent' }).log,
      now: () => new Date(),
    };
    await runTextCommand('toprank-subscribe', 'region:GB type:week', ctx);
    const [sub] = await bot.core.subscriptions.store.listByChannel(discordChannel(channel));
    if (!sub) throw new Error('not subscribed');
    return sub;
  }

  async function states(ids: string[]) {
    const subs = await Promise.all(ids.map((id) => bot.core.subscriptions.store.get(id)));
    return subs.map((s) => s?.state);
  }

  it("pauses every subscription of the server, with the reason, and no other server's", async () => {
    const stored = await subscribe('US');
    expect((await bot.core.subscriptions.store.get(stored))?.team).toBe(`discord:${bot.fake.guildId}`);
    bot.fake.addTextChannel(OLD_CHANNEL, 'older');
    await waitUntil('the bot sees the new channel', async () =>
      bot.adapter.client.channels.cache.has(OLD_CHANNEL),
    );
    const old = await subscribeWithoutServer(OLD_CHANNEL);
    expect(old.team).toBe(`discord:channel-${OLD_CHANNEL}`); // its server unknown: found by its channel
    const elsewhere = await subscribeWithoutServer(OTHER_SERVER_CHANNEL);

    expect(bot.fake.gateway.dispatchToGuild(bot.fake.guildId, 'GUILD_DELETE', { id: bot.fake.guildId })).toBe(
      1,
    );
    await waitUntil('both subscriptions of the server are paused', async () =>
      (await states([stored, old.id])).every((s) => s?.status === 'paused'),
    );
    expect(await states([stored, old.id, elsewhere.id])).toEqual([
      { status: 'paused', reason: 'removed', detail: describeUnavailable('removed'), at: expect.any(String) },
      {
        status: 'paused',
        reason: 'removed',
        detail: 'the bot was removed from the server',
        at: expect.any(String),
      },
      { status: 'active' },
    ]);
  });

  it('pauses nothing when the server is only unavailable (a Discord outage)', async () => {
    const stored = await subscribe('US');
    bot.fake.gateway.dispatchToGuild(bot.fake.guildId, 'GUILD_DELETE', {
      id: bot.fake.guildId,
      unavailable: true,
    });
    // discord.js marks an unavailable server as such; once it has, the event has been handled.
    await waitUntil(
      'the server is marked unavailable',
      async () => bot.adapter.client.guilds.cache.get(bot.fake.guildId)?.available === false,
    );
    expect(await states([stored])).toEqual([{ status: 'active' }]);
  });
});
