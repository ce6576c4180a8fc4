/**
 * Story: a creator calls themselves `@everyone *bold*` (or writes mentions and links into their name).
 * The leaderboard shows the name as typed, bolds nothing, links nowhere, and notifies no one: every
 * message the bot sends — reply, button update, channel post — sets allowed_mentions to parse nothing.
 */
import type { APIEmbed, APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/adapters/discord/escape.js';
import { discordChannel } from '../../src/chat/channel-ref.js';
import { leaderboardView } from '../../src/chat/leaderboard-view.js';
import { hostileCharacters, hostileRows } from '../fakes/crafted-rankings.js';
import { autocomplete, button, chatInput } from '../fakes/discord/interactions.js';
import { envelope, type FakeKeyApi, startFakeKeyApi } from '../fakes/keyapi-server.js';
import {
  buttonId,
  callbackOf,
  type DiscordBot,
  messageBody,
  messageRequests,
  rowLines,
  startDiscordBot,
  visibleText,
} from './discord-harness.js';

const names = [
  '@everyone *bold*',
  '<@1150000000000000300> <#1150000000000000200> @here',
  '<@&1150000000000000100> [free money](https://evil.example)',
  '~~gone~~ ||spoiler|| `code` __under__ > quote \\',
];

function row(i: number, nickname: string, handle: string) {
  return {
    user_id: String(7_000_000_000_000_000_000n + BigInt(i)),
    unique_id: handle,
    nick_name: nickname,
    category: 'Beauty & Personal Care',
    total_followers_cnt: 50_000 - i * 1000,
    total_followers_history_cnt: 1_000_000,
    total_sale_cnt: 100,
    total_sale_gmv_amt: 2500,
  };
}

describe('discord untrusted creator names', () => {
  let bot: DiscordBot;
  let keyapi: FakeKeyApi;
  let reply: { embeds: APIEmbed[] } & Record<string, unknown>;

  beforeAll(async () => {
    keyapi = await startFakeKeyApi();
    const rows = [...names.map((n, i) => row(i, n, `creator${i}`)), row(9, 'Evil Handle', 'evil)](x')];
    keyapi.fallback = () => ({ body: envelope(rows) });
    bot = await startDiscordBot({ keyapi });
    const { id } = bot.fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    reply = ((await callbackOf(bot.fake, id)).body as { data: typeof reply }).data;
  });
  afterAll(() => bot.close());

  it('shows each name exactly as written', () => {
    const text = visibleText(reply);
    for (const name of names) expect(text).toContain(name);
  });

  it('bolds, strikes, hides and links nothing from a name', () => {
    const lines = rowLines(reply.embeds);
    expect(lines[0]).toContain('@\u200beveryone \\*bold\\*');
    const names = lines.map((l) => l.replace(/^\*\*\d+\.\*\* \S+ /, '').split(' · ')[0] ?? '');
    for (const name of names) {
      // Every Markdown opener left in a name is escaped by a backslash.
      expect(name.replace(/\\./g, '')).not.toMatch(/[*_~`|[\]<>]/);
    }
    expect(lines[2]).toContain('\\[free money\\](https://evil.example)');
  });

  it('keeps a handle that tries to close its link inside the tiktok.com link', () => {
    const line = rowLines(reply.embeds)[names.length] ?? '';
    expect(line).toContain('[@evil)\\](x](https://www.tiktok.com/@evil%29%5D%28x)');
  });

  it('writes mentions so they cannot resolve', () => {
    const description = reply.embeds.map((e) => e.description).join('\n');
    expect(description).not.toMatch(/(?<!\\)<[@#]/);
    expect(description).not.toMatch(/@(everyone|here)/);
  });

  it('sets allowed_mentions to parse nothing on every message: reply, button update and channel post', async () => {
    const message = bot.fake.rest.interactions.get([...bot.fake.rest.interactions.keys()][0] ?? '')
      ?.original as APIMessage;
    const next = bot.fake.interact(
      button({ customId: buttonId(message as unknown as Record<string, unknown>, /Next/), message }),
    );
    await callbackOf(bot.fake, next.id);
    const board = await bot.core.leaderboards.get({
      region: 'US',
      type: 'day',
      by: 'followers',
      limit: 10,
      page: 1,
    });
    await bot.adapter.send(discordChannel(bot.fake.channelId), leaderboardView(board));

    const sent = messageRequests(bot.fake);
    expect(sent.map((r) => r.route)).toEqual([
      'POST /interactions/:interactionId/:token/callback',
      'POST /interactions/:interactionId/:token/callback',
      'POST /channels/:channelId/messages',
    ]);
    for (const request of sent) expect(messageBody(request)?.allowed_mentions).toEqual({ parse: [] });
    const posted = bot.fake.rest.messagesIn(bot.fake.channelId)[0];
    expect(posted?.mention_everyone).toBe(false);
    expect(visibleText(posted as unknown as Record<string, unknown>)).toContain('@everyone *bold*');
  });
});

describe('discord hostile KeyAPI rows', () => {
  let bot: DiscordBot;
  let reply: { embeds: APIEmbed[] } & Record<string, unknown>;

  beforeAll(async () => {
    const keyapi = await startFakeKeyApi();
    keyapi.fallback = () => ({ body: envelope(hostileRows) });
    bot = await startDiscordBot({ keyapi });
    const { id } = bot.fake.interact(
      chatInput({ name: 'toprank', options: [{ name: 'region', type: 3, value: 'US' }] }),
    );
    reply = ((await callbackOf(bot.fake, id)).body as { data: typeof reply }).data;
  });
  afterAll(() => bot.close());

  it('shows one row per creator: a line break in a handle or nickname cannot forge another', () => {
    expect(rowLines(reply.embeds).map((l) => /^\*\*(\d+)\.\*\*/.exec(l)?.[1])).toEqual(['1', '2']);
    const [first] = rowLines(reply.embeds);
    expect(unescapeMarkdown(first ?? '')).toContain('Evilgnp.exe Creator **3.** Fake');
    expect(unescapeMarkdown(first ?? '')).toContain('@evil **2.** 🆕 Forged Creator *2.* Forged Creator');
  });

  it('lets no control, bidi or zero-width character reach the message', () => {
    expect(visibleText(reply)).not.toMatch(hostileCharacters);
    expect(visibleText(reply)).toContain('Invisible Ink [31m');
    expect(visibleText(reply)).toContain('@zerowidth');
  });

  it('suggests the categories of those rows cleaned too', async () => {
    const { id } = bot.fake.interact(
      autocomplete({
        name: 'toprank',
        options: [
          { name: 'region', type: 3, value: 'US' },
          { name: 'category', type: 3, value: '', focused: true },
        ],
      }),
    );
    const answer = (await callbackOf(bot.fake, id)).body as { data: { choices: { name: string }[] } };
    expect(answer.data.choices.map((c) => c.name)).toEqual(['Beauty **4.** Fakecat', 'Home Garden']);
  });
});
