/**
 * Story: someone in a Discord server types `/toprank region:US type:day` and the channel sees the
 * leaderboard as an embed — at once when it is cached, through a deferral and an edit when KeyAPI is slow.
 * Real discord.js against the fake Discord; real core and Redis; the sample KeyAPI on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import type { APIChatInputApplicationCommandGuildInteraction, APIEmbed } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/adapters/discord/escape.js';
import type { SampleKeyApiServer } from '../../src/sample/sample-keyapi-server.js';
import { chatInput } from '../fakes/discord/interactions.js';
import {
  callbackOf,
  type DiscordBot,
  ranksShown,
  requestsOf,
  rowLines,
  startDiscordBot,
  startSampleKeyApi,
  webhookRequest,
} from './discord-harness.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/discord/interaction-create-toprank.json', import.meta.url), 'utf8'),
) as { t: string; d: APIChatInputApplicationCommandGuildInteraction };

describe('discord /toprank leaderboard', () => {
  let bot: DiscordBot;
  let keyapi: SampleKeyApiServer;

  beforeEach(async () => {
    keyapi = await startSampleKeyApi();
    // A short deferral threshold keeps the slow-KeyAPI story quick; fast answers come in milliseconds.
    bot = await startDiscordBot({ keyapi, deferAfterMs: 1000 });
  });
  afterEach(() => bot.close());

  it('logs in with the Guilds intent only', () => {
    expect(bot.fake.gateway.identifies.map((i) => i.intents)).toEqual([1]);
    expect(bot.adapter.isReady()).toBe(true);
  });

  it('answers the recorded /toprank region:US type:day with the leaderboard embed, rows in rank order', async () => {
    const { id, token } = bot.fake.interact(fixture.d);
    const callback = await callbackOf(bot.fake, id);
    expect(callback.body).toMatchObject({ type: 4, data: { allowed_mentions: { parse: [] } } });
    const data = (callback.body as { data: { embeds: APIEmbed[]; flags?: number } }).data;
    expect((data.flags ?? 0) & 64).toBe(0); // the channel sees it

    const [embed] = data.embeds;
    expect(embed?.title).toBe('🇺🇸 US daily top 10 by followers');
    expect(embed?.footer?.text).toContain('Tue 24 Nov 2026');

    const board = await bot.core.leaderboards.get({
      region: 'US',
      type: 'day',
      by: 'followers',
      limit: 10,
      page: 1,
    });
    expect(board.rows).toHaveLength(10);
    const lines = rowLines(data.embeds);
    expect(ranksShown(data.embeds)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    board.rows.forEach((row, i) => {
      const { nickname, handle } = row.creator;
      expect(lines[i]).toContain(escapeMarkdown(nickname));
      expect(lines[i]).toContain(`[${escapeMarkdown(`@${handle}`)}](https://www.tiktok.com/@${handle})`);
    });
    expect(lines[0]).toMatch(/^\*\*1\.\*\* (▲\d+|▼\d+|🆕|=|–) /);
    expect(lines[0]).toMatch(/ · \+[\d.]+[KM]? · [\d.]+[KM]? · \$[\d.]+[KM]?$/); // gained · total · GMV
    expect(requestsOf(bot.fake, id, token).map((r) => r.route)).toEqual([
      'POST /interactions/:interactionId/:token/callback',
    ]);
  });

  it('offers Prev (disabled), Next, Chart and CSV buttons whose ids fit in 100 characters', async () => {
    const { id } = bot.fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    const data = ((await callbackOf(bot.fake, id)).body as { data: { components: unknown[] } }).data;
    const buttons = (
      data.components as { components: { label: string; custom_id: string; disabled: boolean }[] }[]
    ).flatMap((r) => r.components);
    expect(buttons.map((b) => [b.label, b.disabled])).toEqual([
      ['◀ Prev', true],
      ['Next ▶', false],
      ['📈 Chart', false],
      ['📄 CSV', false],
    ]);
    for (const b of buttons) expect(b.custom_id.length).toBeLessThanOrEqual(100);
  });

  it('replies at once from the cache when the same leaderboard was asked before', async () => {
    const ask = () =>
      bot.fake.interact(
        chatInput({
          name: 'toprank',
          options: [
            { name: 'region', type: 3, value: 'GB' },
            { name: 'by', type: 3, value: 'sales' },
          ],
        }),
      );
    await callbackOf(bot.fake, ask().id);
    const paidBefore = keyapi.requestCount;
    keyapi.delayMs = 2500; // any upstream call now would force a deferral
    const second = ask();
    const callback = await callbackOf(bot.fake, second.id);
    expect((callback.body as { type: number }).type).toBe(4);
    expect(keyapi.requestCount).toBe(paidBefore);
  });

  it('defers, then edits the reply, when KeyAPI is slow', async () => {
    keyapi.delayMs = 1200;
    const { id, token } = bot.fake.interact(
      chatInput({
        name: 'toprank',
        options: [
          { name: 'region', type: 3, value: 'ID' },
          { name: 'type', type: 3, value: 'week' },
        ],
      }),
    );
    const edit = await webhookRequest(bot.fake, token, 'PATCH');
    const routes = requestsOf(bot.fake, id, token).map((r) => `${r.method} ${r.status}`);
    expect(routes).toEqual(['POST 204', 'PATCH 200']);
    const deferral = bot.fake.rest.callbacks(id)[0]?.body as { type: number; data?: { flags?: number } };
    expect(deferral.type).toBe(5);
    expect((deferral.data?.flags ?? 0) & 64).toBe(0); // deferred publicly: the leaderboard is for the channel
    const body = edit.body as { embeds: APIEmbed[]; allowed_mentions: unknown };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0]?.title).toContain('🇮🇩 ID weekly top 10');
    expect(ranksShown(body.embeds)).toHaveLength(10);
    const original = bot.fake.rest.interactions.get(id)?.original;
    expect((original?.flags ?? 0) & 128).toBe(0); // no longer "thinking…"
  });

  it('formats the numbers for the reader’s locale', async () => {
    const { id } = bot.fake.interact(
      chatInput({ name: 'toprank', locale: 'de', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    const data = ((await callbackOf(bot.fake, id)).body as { data: { embeds: APIEmbed[] } }).data;
    // German writes a decimal comma and puts the dollar sign after the amount.
    expect(rowLines(data.embeds)[0]).toMatch(/ · [\d,]+\s?(Mio\.|Tsd\.)?\s?\$$/);
  });

  it('shows limit:50 as fifty rows within Discord’s embed limits', async () => {
    const { id } = bot.fake.interact(
      chatInput({
        name: 'toprank',
        options: [
          { name: 'region', type: 3, value: 'US' },
          { name: 'limit', type: 4, value: 50 },
        ],
      }),
    );
    const callback = await callbackOf(bot.fake, id, 8000);
    const embeds = (callback.body as { data: { embeds: APIEmbed[] } }).data.embeds;
    expect(ranksShown(embeds)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const total = embeds.reduce(
      (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0),
      0,
    );
    expect(total).toBeLessThanOrEqual(6000);
    for (const e of embeds) expect(e.description?.length ?? 0).toBeLessThanOrEqual(4096);
  });
});
