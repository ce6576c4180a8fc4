/**
 * Story: a Discord manager watches three creators by handle and is told the price; the next morning's
 * watch check posts one message through discord.js naming all three as `Nickname (@handle)` linked to
 * their TikTok profiles (one entered, one climbed 7 places, one dropped out), once: a rerun posts
 * nothing. In /toprank, the watching channel sees its creators marked ★; another channel does not.
 */
import { type APIEmbed, PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWorkers } from '../../src/jobs/worker.js';
import { serveCraftedRankings } from '../fakes/crafted-rankings.js';
import { chatInput } from '../fakes/discord/interactions.js';
import { type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import { obliterateQueues, queuesIdle, startTestWorkers, waitUntil } from '../helpers/jobs.js';
import { createTestLog } from '../helpers/test-log.js';
import { callbackOf, type DiscordBot, rowLines, startDiscordBot, visibleText } from './discord-harness.js';

const manager = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel;
const OTHER_CHANNEL = '1300000000000000999';

describe('discord: watching creators', () => {
  let keyapi: FakeKeyApi;
  let bot: DiscordBot;
  let workers: RunningWorkers | undefined;

  beforeEach(async () => {
    keyapi = await startFakeKeyApi();
    // leo climbs 9 → 2, mia enters at #9, zoe (#3) drops out of the top 10.
    serveCraftedRankings(keyapi, {
      'day-2026-11-23': ['a', 'b', 'zoe', 'c', 'd', 'e', 'f', 'g', 'leo', 'h', 'mia'],
      'day-2026-11-24': ['a', 'leo', 'b', 'c', 'd', 'e', 'f', 'g', 'mia', 'h', 'zoe'],
    });
    bot = await startDiscordBot({ keyapi });
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(bot.core.redis, bot.core.prefix);
    await bot.close();
  });

  async function command(name: string, options: Record<string, string | number>, channelId?: string) {
    const typed = Object.entries(options).map(([key, value]) =>
      typeof value === 'number'
        ? { name: key, type: 4 as const, value }
        : { name: key, type: 3 as const, value },
    );
    const { id } = bot.fake.interact(
      chatInput({ name, options: typed, memberPermissions: manager, channelId }),
    );
    const body = (await callbackOf(bot.fake, id, 8000)).body as { data: Record<string, unknown> };
    return body.data;
  }

  it('posts one linked watch alert, once, and marks watched creators in /toprank for that channel only', async () => {
    const watch = visibleText(
      await command('toprank-watch', { creator: '@Mia, @leo, zoe', region: 'US', type: 'day', depth: 10 }),
    );
    expect(watch).toContain('Watching @mia, @leo, @zoe on the US daily top 10 by followers.');
    expect(watch).toContain('Price: 1 page (credits) a check');

    const board = await command('toprank', { region: 'US', type: 'day' });
    expect(rowLines(board.embeds).filter((line) => line.includes('★'))).toEqual([
      expect.stringMatching(/^\*\*2\.\*\* ▲7 ★ Creator LEO · /),
      expect.stringMatching(/^\*\*9\.\*\* 🆕 ★ Creator MIA · /),
    ]);
    const elsewhere = await command('toprank', { region: 'US', type: 'day' }, OTHER_CHANNEL);
    expect(visibleText(elsewhere)).not.toContain('★');

    const log = createTestLog({ level: 'silent' }).log;
    workers = await startTestWorkers(bot.core, new Map([['discord', bot.adapter]]), log);
    await workers.queues.alerts.add('alert-check', { date: '2026-11-24' }, { jobId: 'check-1' });
    await waitUntil(
      'the watch alert is posted',
      async () => bot.fake.rest.messagesIn(bot.fake.channelId).length >= 1,
    );
    await waitUntil('the queues are idle', () => queuesIdle(bot.core.redis, bot.core.prefix));

    const [message] = bot.fake.rest.messagesIn(bot.fake.channelId);
    const embed = message?.embeds[0] as APIEmbed;
    expect(embed.title).toBe('Watch alert · 🇺🇸 US daily top 10 by followers');
    const lines = (embed.description ?? '').split('\n');
    expect(lines.slice(1)).toEqual([
      '**2.** ▲7 [Creator LEO (@leo)](https://www.tiktok.com/@leo) · climbed 7 places to #2 (was #9) · +100K followers gained',
      '**9.** 🆕 [Creator MIA (@mia)](https://www.tiktok.com/@mia) · entered the top 10 · +100K followers gained',
      '**–** ▼ [Creator ZOE (@zoe)](https://www.tiktok.com/@zoe) · dropped out of the top 10 (was #3)',
    ]);

    await workers.queues.alerts.add('alert-check', { date: '2026-11-24' }, { jobId: 'check-2' });
    await waitUntil('the queues are idle again', () => queuesIdle(bot.core.redis, bot.core.prefix));
    expect(bot.fake.rest.messagesIn(bot.fake.channelId)).toHaveLength(1);
  });
});
