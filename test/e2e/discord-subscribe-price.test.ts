/**
 * Story: a Discord manager subscribes a channel and is told the price first-hand: "≈ 20 credits a month
 * (5 pages of this week and the week before, …)". The Monday tick then requests exactly those 5 pages
 * from KeyAPI (counted on the sample server) and posts the digest through discord.js. `preview:on`
 * shows the digest and the same kind of price, privately, and stores and schedules nothing.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTickQueue } from '../../src/jobs/queues.js';
import type { RunningWorkers } from '../../src/jobs/worker.js';
import { tickJobId } from '../../src/keys.js';
import type { SampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { chatInput } from '../fakes/discord/interactions.js';
import { obliterateQueues, startTestWorkers, waitUntil } from '../helpers/jobs.js';
import { createTestLog } from '../helpers/test-log.js';
import {
  callbackOf,
  type DiscordBot,
  startDiscordBot,
  startSampleKeyApi,
  visibleText,
} from './discord-harness.js';

const manager = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel;

describe('discord subscribe price', () => {
  let bot: DiscordBot;
  let keyapi: SampleKeyApiServer;
  let workers: RunningWorkers | undefined;

  beforeEach(async () => {
    keyapi = await startSampleKeyApi();
    bot = await startDiscordBot({ keyapi });
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await obliterateQueues(bot.core.redis, bot.core.prefix);
    await bot.close();
  });

  async function command(name: string, options: Record<string, string | number | boolean>) {
    const typed = Object.entries(options).map(([key, value]) =>
      typeof value === 'number'
        ? { name: key, type: 4 as const, value }
        : typeof value === 'boolean'
          ? { name: key, type: 5 as const, value }
          : { name: key, type: 3 as const, value },
    );
    const { id } = bot.fake.interact(chatInput({ name, options: typed, memberPermissions: manager }));
    const body = (await callbackOf(bot.fake, id, 8000)).body as {
      data: Record<string, unknown> & { flags?: number };
    };
    return { text: visibleText(body.data), ephemeral: ((body.data.flags ?? 0) & 64) === 64 };
  }

  it('states the price, which the tick then spends exactly', async () => {
    const answer = await command('toprank-subscribe', {
      region: 'GB',
      type: 'week',
      limit: 20,
      category: 'Beauty & Personal Care',
      time: '09:00',
      timezone: 'UTC',
      // A chart's history is priced apart (a missing period costs 1 credit, once): this is the data's price.
      chart: false,
    });
    expect(answer.text).toContain(
      'Price: ≈ 20 credits a month (5 pages of this week and the week before, one of them to check it is out, every Monday); 0 extra while another channel follows the same leaderboard. This channel: ≈ 20 credits a month; this server: ≈ 20.',
    );
    const pages = Number(/\((\d+) pages of/.exec(answer.text)?.[1]);

    const before = keyapi.requestCount;
    workers = await startTestWorkers(
      bot.core,
      new Map([['discord', bot.adapter]]),
      createTestLog({ level: 'silent' }).log,
      {
        now: () => new Date('2026-11-23T09:01:00Z'),
        reconcile: false,
      },
    );
    const firedAt = Date.parse('2026-11-23T09:00:00Z');
    await workers.queues.tick.add(
      'tick',
      { slotId: 'week-0900-UTC', firedAt },
      { jobId: tickJobId('week-0900-UTC', firedAt) },
    );
    await waitUntil(
      'the digest is posted',
      async () => bot.fake.rest.messagesIn(bot.fake.channelId).length >= 1,
    );
    expect(keyapi.requestCount - before).toBe(pages);
  });

  it('previews the digest and its price with preview:on, storing and scheduling nothing', async () => {
    const preview = await command('toprank-subscribe', { region: 'US', type: 'week', preview: true });
    expect(preview.ephemeral).toBe(true);
    expect(preview.text).toContain('Weekly digest · 🇺🇸 US weekly top 10 by followers');
    expect(preview.text).toContain(
      'Preview: nothing was subscribed. This subscription would cost ≈ 8 credits a month (2 pages of this week and the week before, every Monday); 0 extra while another channel follows the same leaderboard.',
    );
    expect(await bot.core.subscriptions.store.listByChannel(`discord:${bot.fake.channelId}`)).toEqual([]);
    expect(await bot.core.subscriptions.store.listSlots()).toEqual([]);
    const queue = createTickQueue(bot.core.redis, bot.core.prefix);
    expect(await queue.getJobSchedulersCount()).toBe(0);
    await queue.close();
    expect(await bot.core.redis.keys(`${bot.core.prefix}:sub*`)).toEqual([]);
  });
});
