/**
 * The behaviour every chat adapter shares, written once: each adapter's e2e file calls
 * `runChatAdapterContract` with a harness that reads what its fake platform received.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelRef } from '../../src/chat/channel-ref.js';
import { ChannelUnavailableError, type ChatAdapter } from '../../src/chat/chat-adapter.js';
import type { View } from '../../src/chat/view.js';

export interface ContractHarness {
  adapter: ChatAdapter;
  /** A channel the bot can post in. */
  channel: ChannelRef;
  /** A channel the platform reports as gone (Discord 404/10003, Slack channel_not_found). */
  goneChannel: ChannelRef;
  /** Everything a reader sees of the last message posted to `channel`, as one string of platform markup. */
  lastPostText(): Promise<string>;
  /** How many messages `channel` has received. */
  postCount(): Promise<number>;
  /** True when the last message could notify anyone (an unescaped mention or allowed_mentions left open). */
  lastPostCanMention(): Promise<boolean>;
  close(): Promise<void>;
}

const leaderboard: View = {
  title: 'US daily top 2 by followers',
  blocks: [
    {
      kind: 'table',
      columns: ['#', 'Move', 'Creator', 'Handle', 'Followers gained'],
      rows: [
        ['1', '▲3', 'Mia Glow', { text: '@mia.glow', url: 'https://www.tiktok.com/@mia.glow' }, '+12.3K'],
        ['2', '🆕', '@everyone <!channel> *bold* _it_ `code` &amp;', '@evil', '+9K'],
      ],
      empty: 'No creators.',
    },
  ],
  footer: 'Tue 24 Nov 2026',
};

export function runChatAdapterContract(name: string, open: () => Promise<ContractHarness>) {
  describe(`${name} adapter (shared contract)`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(() => h.close());

    it('posts a leaderboard view with every row, in rank order', async () => {
      const posted = await h.adapter.send(h.channel, leaderboard);
      expect(posted.duplicate).toBe(false);
      const text = await h.lastPostText();
      expect(text).toContain('Mia Glow');
      expect(text.indexOf('Mia Glow')).toBeLessThan(text.indexOf('everyone'));
      expect(text).toContain('mia.glow');
    });

    it('shows a nickname with @everyone and <!channel> as text that notifies no one', async () => {
      await h.adapter.send(h.channel, leaderboard);
      expect(await h.lastPostCanMention()).toBe(false);
      expect(await h.lastPostText()).toContain('everyone');
    });

    it('reports a gone channel as ChannelUnavailableError', async () => {
      await expect(h.adapter.send(h.goneChannel, leaderboard)).rejects.toBeInstanceOf(
        ChannelUnavailableError,
      );
    });

    it('posts a delivery once when it is sent twice with the same delivery id', async () => {
      await h.adapter.send(h.channel, leaderboard, { deliveryId: 'sub1-week-2026-11-23' });
      // The retry of an attempt whose outcome is unknown (SendOptions.mayHavePosted).
      const second = await h.adapter.send(h.channel, leaderboard, {
        deliveryId: 'sub1-week-2026-11-23',
        mayHavePosted: true,
      });
      expect(second.duplicate).toBe(true);
      expect(await h.postCount()).toBe(1);
    });
  });
}
