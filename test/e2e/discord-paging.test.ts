/**
 * Story: under a leaderboard, someone clicks Next, then Prev: the same message shows ranks 11–20,
 * then 1–10 again, for everyone in the channel — even after the bot restarted, since the buttons
 * carry their query.
 */
import type { APIEmbed, APIMessage } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pageOption } from '../../commands/query-options.js';
import { messageFor, ToprankError } from '../../src/errors.js';
import type { SampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { button, chatInput } from '../fakes/discord/interactions.js';
import {
  buttonId,
  callbackOf,
  type DiscordBot,
  ranksShown,
  requestsOf,
  startDiscordBot,
  startSampleKeyApi,
  visibleText,
  webhookRequest,
} from './discord-harness.js';

type Body = { type: number; data: Record<string, unknown> & { embeds: APIEmbed[]; flags?: number } };

describe('discord leaderboard paging', () => {
  let bot: DiscordBot;
  let keyapi: SampleKeyApiServer;

  beforeEach(async () => {
    keyapi = await startSampleKeyApi();
    bot = await startDiscordBot({ keyapi, deferAfterMs: 1000 });
  });
  afterEach(() => bot.close());

  /** Asks /toprank and returns the message the channel now shows. */
  async function leaderboard(region = 'US'): Promise<APIMessage> {
    const { id } = bot.fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: region }] }),
    );
    await callbackOf(bot.fake, id);
    const original = bot.fake.rest.interactions.get(id)?.original;
    if (!original) throw new Error('no reply');
    return original;
  }

  /** Clicks the button labelled `label` on `message`; returns the click's ids. */
  function click(message: APIMessage, label: RegExp) {
    const customId = buttonId(message as unknown as Record<string, unknown>, label);
    return bot.fake.interact(button({ customId, message }));
  }

  it('Next then Prev update the same message: ranks 11–20, then 1–10', async () => {
    const message = await leaderboard();
    expect(ranksShown(message.embeds)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const next = click(message, /Next/);
    const update = (await callbackOf(bot.fake, next.id)).body as Body;
    expect(update.type).toBe(7); // UPDATE_MESSAGE: the message clicked on changes, no new message
    expect(update.data.allowed_mentions).toEqual({ parse: [] });
    expect(update.data.embeds[0]?.title).toBe('🇺🇸 US daily top 11–20 by followers');
    expect(ranksShown(update.data.embeds)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);

    const page2 = bot.fake.rest.interactions.get(next.id)?.original as APIMessage;
    expect(page2.id).toBe(message.id);
    const prev = click(page2, /Prev/);
    const back = (await callbackOf(bot.fake, prev.id)).body as Body;
    expect(back.type).toBe(7);
    expect(ranksShown(back.data.embeds)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(visibleText(back.data)).toBe(visibleText(message as unknown as Record<string, unknown>));
  });

  it('pages with buttons made before a restart', async () => {
    const message = await leaderboard('GB');
    await bot.adapter.stop();
    const restarted = await bot.restart();
    try {
      const next = click(message, /Next/);
      const update = (await callbackOf(bot.fake, next.id)).body as Body;
      expect(update.type).toBe(7);
      expect(ranksShown(update.data.embeds)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    } finally {
      await restarted.stop();
    }
  });

  it('acknowledges the click, then edits the message, when the next page is slow to fetch', async () => {
    const message = await leaderboard('TH');
    keyapi.delayMs = 1200;
    const { id, token } = click(message, /Next/);
    const edit = await webhookRequest(bot.fake, token, 'PATCH');
    expect(bot.fake.rest.callbacks(id).map((r) => (r.body as { type: number }).type)).toEqual([6]);
    expect(requestsOf(bot.fake, id, token).map((r) => r.method)).toEqual(['POST', 'PATCH']);
    const body = edit.body as Body['data'];
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(ranksShown(body.embeds)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    const shown = bot.fake.rest.interactions.get(id)?.original as APIMessage;
    expect(shown.id).toBe(message.id);
    expect(ranksShown(shown.embeds)[0]).toBe(11);
  });

  it('tells only the clicker when a page cannot be shown, leaving the leaderboard as it was', async () => {
    const message = await leaderboard();
    // Ranks stop at 100: page 11 of 10 rows does not exist (a hand-made or very old button).
    const customId = buttonId(message as unknown as Record<string, unknown>, /Next/).replace(/\|2\|/, '|11|');
    const { id, token } = bot.fake.interact(button({ customId, message }));
    const reply = (await callbackOf(bot.fake, id)).body as Body;
    expect(reply.type).toBe(4);
    expect((reply.data.flags ?? 0) & 64).toBe(64);
    const sentence = messageFor(
      new ToprankError('invalid_option', { option: 'page', value: '11', allowed: pageOption.allowed }),
    );
    expect(visibleText(reply.data)).toBe(`❌ ${sentence}`);
    // A reply (type 4), not an update (7), and nothing else: the leaderboard message is untouched.
    expect(requestsOf(bot.fake, id, token)).toHaveLength(1);
  });
});
