/**
 * Story: pictures and files on Discord. A weekly digest with `chart:on` arrives once as one message
 * carrying the text digest and one PNG (multipart, described by its alt text), even when the tick runs
 * again; a chart that cannot be drawn leaves the digest without it. Under a leaderboard, 📈 Chart and
 * 📄 CSV answer only the clicker with the file, also with buttons made before a restart.
 */

import { parse } from 'csv-parse/sync';
import type { APIMessage } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discordChannel } from '../../src/chat/channel-ref.js';
import { slotId } from '../../src/subscriptions/slot.js';
import { button, chatInput } from '../fakes/discord/interactions.js';
import { queuesIdle, startTestWorkers, waitUntil } from '../helpers/jobs.js';
import { makeSubscription } from '../helpers/subscriptions.js';
import { buttonId, callbackOf, type DiscordBot, startDiscordBot, visibleText } from './discord-harness.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const slot = slotId({ cadence: 'week', time: '09:00', timezone: 'UTC' });
const firedAt = Date.parse('2026-11-23T09:00:00Z');

describe('discord charts and files', () => {
  let bot: DiscordBot;
  beforeEach(async () => {
    bot = await startDiscordBot();
  });
  afterEach(() => bot.close());

  async function runDigest(options: Parameters<typeof startTestWorkers>[3] = {}) {
    const sub = makeSubscription({
      channel: discordChannel(bot.fake.channelId),
      query: { region: 'US', type: 'week', by: 'sales', limit: 5 },
      chart: true,
    });
    await bot.core.subscriptions.store.add(sub, 25);
    const workers = await startTestWorkers(bot.core, new Map([['discord', bot.adapter]]), bot.log.log, {
      now: () => new Date('2026-11-23T09:01:00Z'),
      ...options,
    });
    const before = bot.core.keyapi.requestCount;
    try {
      await workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-1' });
      await waitUntil(
        'the digest is posted',
        async () => bot.fake.rest.messagesIn(bot.fake.channelId).length > 0,
      );
      await waitUntil('the queues are idle', () => queuesIdle(bot.core.redis, bot.core.prefix));
      // The same tick again (a restart, an operator): nothing is posted twice.
      await workers.queues.tick.add('tick', { slotId: slot, firedAt }, { jobId: 'tick-2' });
      await waitUntil('the queues are idle again', () => queuesIdle(bot.core.redis, bot.core.prefix));
    } finally {
      await workers.close();
    }
    return {
      messages: bot.fake.rest.messagesIn(bot.fake.channelId),
      spent: bot.core.keyapi.requestCount - before,
    };
  }

  it('posts a weekly digest with chart:on once, as the text digest and one PNG under 1 MB', async () => {
    const { messages, spent } = await runDigest();
    // The week and the one before (movement), then the 6 older weeks the chart needs: each once.
    expect(spent).toBe(8);
    expect(messages).toHaveLength(1);
    const [message] = messages as [APIMessage];
    expect(message.embeds[0]?.title).toContain('Weekly digest');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: 'toprank-US-week-sales-2026-11-16.png',
      content_type: 'image/png',
    });
    expect(message.attachments[0]?.description).toMatch(
      /^Rank trajectory of the US weekly top 5 by sales · week of Mon 16 Nov 2026 over 8 periods/,
    );
    const [request] = bot.fake.rest.channelMessages(bot.fake.channelId).filter((r) => r.status === 200);
    const file = request?.files[0];
    expect([...(file?.data.subarray(0, 8) ?? [])]).toEqual(PNG_SIGNATURE);
    expect(file?.size).toBeGreaterThan(10_000);
    expect(file?.size).toBeLessThan(1024 * 1024);
    // The nonce that keeps a retry from posting twice travels in the same multipart request.
    expect((request?.body as { enforce_nonce?: boolean } | undefined)?.enforce_nonce).toBe(true);
  });

  it('still delivers the digest, without the image, when the chart cannot be drawn', async () => {
    const { messages } = await runDigest({
      renderChart: () => {
        throw new Error('renderer exploded');
      },
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds[0]?.title).toContain('Weekly digest');
    expect(messages[0]?.attachments).toEqual([]);
    expect(bot.log.lines().some((l) => l.msg === 'chart could not be drawn: sent without it')).toBe(true);
  });

  it('answers 📈 Chart and 📄 CSV privately with the file, with buttons made before a restart', async () => {
    const { id } = bot.fake.interact(
      chatInput({
        name: 'toprank',
        options: [
          { name: 'region', type: 3, value: 'US' },
          { name: 'type', type: 3, value: 'week' },
        ],
      }),
    );
    await callbackOf(bot.fake, id);
    const message = bot.fake.rest.interactions.get(id)?.original as APIMessage;
    await bot.adapter.stop();
    const restarted = await bot.restart();
    try {
      const click = (label: RegExp) =>
        bot.fake.interact(
          button({ customId: buttonId(message as unknown as Record<string, unknown>, label), message }),
        );
      /** The private answer to a click: a reply (type 4), or the follow-up of a deferred click. */
      const answered = (interactionId: string) => {
        const state = bot.fake.rest.interactions.get(interactionId);
        return state?.ackType === 4 ? state.original : [...(state?.followUps.values() ?? [])][0];
      };
      const chart = click(/Chart/);
      await waitUntil('the chart is answered', async () => answered(chart.id) !== undefined);
      const chartMessage = answered(chart.id);
      expect((chartMessage?.flags ?? 0) & 64).toBe(64); // ephemeral: only the clicker sees it
      expect(chartMessage?.attachments.map((a) => a.filename)).toEqual([
        'toprank-US-week-followers-2026-11-16.png',
      ]);
      expect(visibleText(chartMessage as unknown as Record<string, unknown>)).toMatch(
        /Chart of the last 8 weeks/,
      );

      const csv = click(/CSV/);
      await waitUntil('the CSV is answered', async () => answered(csv.id) !== undefined);
      expect((answered(csv.id)?.flags ?? 0) & 64).toBe(64);
      const csvRequest = bot.fake.rest.requests.find(
        (r) => (r.path.includes(csv.id) || r.path.includes(csv.token)) && r.files.length > 0,
      );
      const csvFile = csvRequest?.files[0];
      expect(answered(csv.id)?.attachments.map((a) => a.filename)).toEqual([
        'toprank-US-week-followers-2026-11-16.csv',
      ]);
      const rows = parse(csvFile?.data.toString('utf8') ?? '', { bom: true, columns: true }) as Record<
        string,
        string
      >[];
      expect(rows).toHaveLength(10);
      expect(rows[0]?.rank).toBe('1');
      expect(rows.every((r) => /^\d+$/.test(r.user_id ?? ''))).toBe(true);
    } finally {
      await restarted.stop();
    }
  });
});
