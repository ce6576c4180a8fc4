/**
 * Story: a digest job posts a leaderboard to a subscribed Discord channel. It lands once even when the
 * job is retried with the same delivery id, and a channel that is gone or forbids the bot comes back as
 * a typed ChannelUnavailableError (so the subscription pauses) — plus the shared adapter contract.
 */
import type { APIEmbed } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../src/adapters/discord/discord-adapter.js';
import { discordChannel } from '../../src/chat/channel-ref.js';
import { ChannelUnavailableError } from '../../src/chat/chat-adapter.js';
import type { View } from '../../src/chat/view.js';
import { type ContractHarness, runChatAdapterContract } from '../contract/chat-adapter.contract.js';
import type { ChannelFailureKind } from '../fakes/discord/discord-rest.js';
import { createTestLog } from '../helpers/test-log.js';
import { type DiscordBot, messageBody, startDiscordBot, visibleText } from './discord-harness.js';

const digest: View = {
  title: 'Weekly digest · 🇺🇸 US weekly top 2 by sales',
  blocks: [
    {
      kind: 'table',
      columns: ['#', 'Move', 'Creator', 'Handle', 'Sales'],
      rows: [
        ['1', '▲2', 'Mia Glow', { text: '@mia.glow', url: 'https://www.tiktok.com/@mia.glow' }, '12.3K'],
        ['2', '🆕', 'Leo Deals', { text: '@leo.deals', url: 'https://www.tiktok.com/@leo.deals' }, '9K'],
      ],
      empty: 'No creators.',
    },
  ],
  footer: 'week of Mon 16 Nov 2026',
};

describe('discord channel delivery', () => {
  let bot: DiscordBot;
  beforeEach(async () => {
    bot = await startDiscordBot();
  });
  afterEach(() => bot.close());

  const channel = () => discordChannel(bot.fake.channelId);

  it('posts the view as an embed with an enforced nonce of at most 25 characters', async () => {
    const posted = await bot.adapter.send(channel(), digest, { deliveryId: 'sub-42-week-2026-11-16' });
    const [request] = bot.fake.rest.channelMessages(bot.fake.channelId);
    const body = messageBody(request ?? ({} as never)) as {
      nonce: string;
      enforce_nonce: boolean;
      embeds: APIEmbed[];
    };
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce.length).toBeLessThanOrEqual(25);
    expect(body.embeds[0]?.title).toBe('Weekly digest · 🇺🇸 US weekly top 2 by sales');
    const [message] = bot.fake.rest.messagesIn(bot.fake.channelId);
    expect(posted).toEqual({ channel: channel(), messageId: message?.id, duplicate: false });
  });

  it('does not post twice when a retry repeats the delivery id, even from another process', async () => {
    const first = await bot.adapter.send(channel(), digest, { deliveryId: 'sub-42-week-2026-11-16' });
    const retry = await bot.adapter.send(channel(), digest, { deliveryId: 'sub-42-week-2026-11-16' });
    expect(retry).toEqual({ channel: channel(), messageId: first.messageId, duplicate: true });

    // A second worker (or this one after a crash) has no memory of the first post; Discord's nonce does.
    const other = createDiscordAdapter({
      token: bot.fake.token,
      applicationId: bot.fake.applicationId,
      apiUrl: bot.fake.apiBase,
      services: bot.core,
      log: createTestLog({ level: 'silent' }).log,
    });
    try {
      const again = await other.send(channel(), digest, { deliveryId: 'sub-42-week-2026-11-16' });
      expect(again.messageId).toBe(first.messageId);
    } finally {
      await other.stop();
    }
    expect(bot.fake.rest.messagesIn(bot.fake.channelId)).toHaveLength(1);

    await bot.adapter.send(channel(), digest, { deliveryId: 'sub-42-week-2026-11-23' });
    expect(bot.fake.rest.messagesIn(bot.fake.channelId)).toHaveLength(2);
  });

  it.each([
    ['missing-access', 'forbidden'],
    ['missing-permissions', 'forbidden'],
    ['gone', 'gone'],
  ] as [ChannelFailureKind, string][])(
    'reports a channel answering %s as unavailable (%s)',
    async (kind, reason) => {
      const id = '1150000000000000777';
      bot.fake.addTextChannel(id, 'private');
      bot.fake.rest.failChannel(id, kind);
      const error = await bot.adapter.send(discordChannel(id), digest).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChannelUnavailableError);
      expect(error).toMatchObject({
        channel: discordChannel(id),
        unavailable: reason,
        code: 'channel_unavailable',
      });
      expect(bot.fake.rest.messagesIn(id)).toHaveLength(0);
    },
  );

  it('reports a channel Discord does not know (404, 10003) as gone', async () => {
    const error = await bot.adapter
      .send(discordChannel('1150000000000000999'), digest)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ unavailable: 'gone' });
    const line = bot.log.lines().find((l) => l.msg === 'channel post refused');
    expect(line).toMatchObject({
      code: 10003,
      status: 404,
      route: '/api/v10/channels/1150000000000000999/messages',
    });
    expect(bot.log.text()).not.toContain(bot.fake.token);
  });

  it('reports a revoked token as unauthorized', async () => {
    const revoked = createDiscordAdapter({
      token: 'revoked.token.value',
      applicationId: bot.fake.applicationId,
      apiUrl: bot.fake.apiBase,
      services: bot.core,
      log: createTestLog({ level: 'silent' }).log,
    });
    try {
      const error = await revoked.send(channel(), digest).catch((e: unknown) => e);
      expect(error).toMatchObject({ unavailable: 'unauthorized' });
    } finally {
      await revoked.stop();
    }
  });

  it('waits out a rate limit and posts once', async () => {
    bot.fake.rest.failChannel(bot.fake.channelId, 'rate-limited', { retryAfterMs: 100 });
    await bot.adapter.send(channel(), digest);
    const statuses = bot.fake.rest.channelMessages(bot.fake.channelId).map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
    expect(bot.fake.rest.messagesIn(bot.fake.channelId)).toHaveLength(1);
  });
});

runChatAdapterContract('discord', async (): Promise<ContractHarness> => {
  const bot = await startDiscordBot();
  const channelId = bot.fake.channelId;
  const lastRequest = () => bot.fake.rest.channelMessages(channelId).at(-1);
  return {
    adapter: bot.adapter,
    channel: discordChannel(channelId),
    goneChannel: discordChannel('1150000000000000999'),
    lastPostText: async () =>
      visibleText(bot.fake.rest.messagesIn(channelId).at(-1) as unknown as Record<string, unknown>),
    postCount: async () => bot.fake.rest.messagesIn(channelId).length,
    lastPostCanMention: async () => {
      const request = lastRequest();
      const body = request ? messageBody(request) : undefined;
      const allowed = body?.allowed_mentions as
        | { parse?: unknown[]; users?: unknown[]; roles?: unknown[] }
        | undefined;
      const closed = allowed?.parse?.length === 0 && !allowed.users?.length && !allowed.roles?.length;
      const raw = [
        body?.content ?? '',
        ...((body?.embeds ?? []) as APIEmbed[]).map((e) => e.description ?? ''),
      ].join('\n');
      return !closed || /@(everyone|here)|(?<!\\)<[@#!]/.test(raw);
    },
    close: () => bot.close(),
  };
});
