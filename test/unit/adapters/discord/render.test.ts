import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  DISCORD_LIMITS,
  type DiscordMessage,
  renderDiscord,
} from '../../../../src/adapters/discord/render.js';
import { leaderboardView } from '../../../../src/chat/leaderboard-view.js';
import { noticeView, type View } from '../../../../src/chat/view.js';
import type { Leaderboard, Movement } from '../../../../src/ranking/types.js';

function board(count: number, name: (i: number) => string, handle: (i: number) => string): Leaderboard {
  const movements: (Movement | undefined)[] = [
    { kind: 'up', places: 12 },
    { kind: 'down', places: 3 },
    { kind: 'new' },
    undefined,
  ];
  return {
    query: {
      region: 'US',
      type: 'day',
      by: 'followers',
      category: 'Beauty & Personal Care',
      limit: count,
      page: 1,
    },
    period: { type: 'day', date: '2026-11-24' },
    previous: { type: 'day', date: '2026-11-23' },
    snapped: false,
    fellBackFrom: { type: 'day', date: '2026-11-25' },
    compared: 10,
    hasMore: true,
    rows: Array.from({ length: count }, (_, i) => ({
      rank: i + 1,
      movement: movements[i % movements.length],
      creator: {
        userId: String(7_000_000_000_000_000_000n + BigInt(i)),
        handle: handle(i),
        nickname: name(i),
        avatar: undefined,
        category: 'Beauty & Personal Care',
        followers: 1_234_567 - i * 10_000,
        followersTotal: 98_765_432,
        sales: 45_678,
        gmv: 1_234_567.89,
        productCategories: [],
        raw: {},
      },
    })),
  };
}

/** Characters counted against the 6,000 of a message (title, description, fields, footer, author). */
function embedTotal(embeds: APIEmbed[]): number {
  return embeds.reduce(
    (n, e) =>
      n +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.author?.name.length ?? 0) +
      (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
    0,
  );
}

function expectWithinLimits(message: DiscordMessage): void {
  expect(message.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
  expect(embedTotal(message.embeds)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  for (const embed of message.embeds) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
  }
  expect(message.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.actionRows);
  for (const row of message.components) {
    expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
    for (const b of row.components) expect(b.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
  }
  expect(message.content?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.content);
}

const rowLines = (m: DiscordMessage) =>
  m.embeds.flatMap((e) => (e.description ?? '').split('\n')).filter((l) => /^\*\*\d+\.\*\*/.test(l));
const ranks = (m: DiscordMessage) => rowLines(m).map((l) => Number(/^\*\*(\d+)\./.exec(l)?.[1]));

describe('renderDiscord', () => {
  it('renders a leaderboard as one line per creator: rank, movement, name, linked handle, metrics', () => {
    const message = renderDiscord(
      leaderboardView(
        board(
          3,
          (i) => `Mia Glow ${i}`,
          (i) => `mia.glow${i}`,
        ),
        { paging: true },
      ),
    );
    expect(message.embeds).toHaveLength(1);
    const [embed] = message.embeds;
    expect(embed?.title).toBe('🇺🇸 US daily top 3 by followers · (Beauty & Personal Care)');
    expect(rowLines(message)).toEqual([
      '**1.** ▲12 Mia Glow 0 · [@mia.glow0](https://www.tiktok.com/@mia.glow0) · +1.2M · 98.8M · $1.2M',
      '**2.** ▼3 Mia Glow 1 · [@mia.glow1](https://www.tiktok.com/@mia.glow1) · +1.2M · 98.8M · $1.2M',
      '**3.** 🆕 Mia Glow 2 · [@mia.glow2](https://www.tiktok.com/@mia.glow2) · +1.2M · 98.8M · $1.2M',
    ]);
    expect(embed?.description).toContain('*Creator · Handle · Followers gained · Followers · GMV*');
    expect(embed?.footer?.text).toBe(
      'Tue 24 Nov 2026 · movement vs Mon 23 Nov 2026: ranks 1–10 compared · data: KeyAPI',
    );
    expect(message.components[0]?.components.map((b) => b.label)).toEqual([
      '◀ Prev',
      'Next ▶',
      '📈 Chart',
      '📄 CSV',
    ]);
    expect(message.ephemeral).toBe(false);
  });

  it('puts notices above the rows', () => {
    const message = renderDiscord(
      leaderboardView(
        board(
          2,
          (i) => `N${i}`,
          (i) => `h${i}`,
        ),
      ),
    );
    const lines = (message.embeds[0]?.description ?? '').split('\n');
    expect(lines[0]).toBe('⚠️ The ranking for Wed 25 Nov 2026 is not published yet; showing Tue 24 Nov 2026.');
    expect(lines.findIndex((l) => l.startsWith('**1.**'))).toBeGreaterThan(0);
  });

  it('keeps limit:50 of realistic names whole and within Discord’s limits', () => {
    const message = renderDiscord(
      leaderboardView(
        board(
          50,
          (i) => `Creator Name ${i}`,
          (i) => `creator.handle.${i}`,
        ),
        { paging: true },
      ),
    );
    expectWithinLimits(message);
    expect(ranks(message)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(rowLines(message)[49]).toMatch(
      /\[@creator\.handle\.49\]\(https:\/\/www\.tiktok\.com\/@creator\.handle\.49\)/,
    );
  });

  it('keeps limit:50 of the longest, most Markdown-heavy names within the limits, every rank shown', () => {
    const nasty = (i: number) => `${'*_~`|[]<>'.repeat(7)}${i}`.slice(0, 64);
    const message = renderDiscord(
      leaderboardView(
        board(50, nasty, (i) => `h_${'x'.repeat(20)}_${i}`),
        { paging: true },
      ),
    );
    expectWithinLimits(message);
    expect(ranks(message)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('drops the last rows, saying how many, when even the shortest lines cannot fit', () => {
    const view = leaderboardView(
      board(
        150,
        (i) => `${'W'.repeat(60)}${i}`,
        (i) => `${'h'.repeat(30)}${i}`,
      ),
    );
    const message = renderDiscord(view);
    expectWithinLimits(message);
    const shown = ranks(message);
    expect(shown[0]).toBe(1);
    expect(shown.length).toBeLessThan(150);
    const description = message.embeds.map((e) => e.description).join('\n');
    expect(description).toContain(`*…and ${150 - shown.length} more*`);
  });

  it('renders an error as a private plain message, escaped', () => {
    const message = renderDiscord(noticeView('error', 'Invalid `region`: "*US*" is not a region.'));
    expect(message).toEqual({
      content: '❌ Invalid \\`region\\`: "\\*US\\*" is not a region.',
      embeds: [],
      components: [],
      files: [],
      ephemeral: true,
    });
  });

  it('shows at most 25 fields, saying how many more there are', () => {
    const view: View = {
      title: 'Usage',
      blocks: [
        {
          kind: 'fields',
          fields: Array.from({ length: 30 }, (_, i) => ({ label: `opt_${i}`, value: `v${i}` })),
        },
      ],
    };
    const [embed] = renderDiscord(view).embeds;
    expect(embed?.fields).toHaveLength(25);
    expect(embed?.fields?.[0]).toEqual({ name: 'opt\\_0', value: 'v0', inline: false });
    expect(embed?.fields?.[24]).toEqual({ name: '…', value: 'and 6 more', inline: false });
  });

  it('lays buttons out five to a row and leaves out ids Discord would refuse', () => {
    const view: View = {
      title: 't',
      blocks: [],
      actions: [
        ...Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, label: `B${i}` })),
        { id: 'x'.repeat(101), label: 'too long' },
      ],
    };
    const rows = renderDiscord(view).components;
    expect(rows.map((r) => r.components.map((b) => b.custom_id))).toEqual([
      ['b0', 'b1', 'b2', 'b3', 'b4'],
      ['b5', 'b6'],
    ]);
  });

  it('emphasises a key that is not a rank without a trailing dot', () => {
    const view: View = {
      title: 'Subscriptions',
      blocks: [{ kind: 'table', columns: ['Id', 'Leaderboard'], rows: [['5qshmm', 'US daily']], empty: '' }],
    };
    expect(renderDiscord(view).embeds[0]?.description).toBe('*Leaderboard*\n**5qshmm** US daily');
  });

  it('shows the empty sentence for a table without rows', () => {
    const message = renderDiscord(leaderboardView({ ...board(0, String, String), fellBackFrom: undefined }));
    expect(message.embeds[0]?.description).toBe('No creators match these filters for this period.');
  });
});
