/**
 * The leaderboard view's own words: signed metrics that read honestly (a loss is −82.1K, never
 * +-82.1K) and a footer saying exactly which ranks movement was measured against.
 */
import { describe, expect, it } from 'vitest';
import { leaderboardView } from '../../../src/chat/leaderboard-view.js';
import { cellText } from '../../../src/chat/view.js';
import type { Leaderboard } from '../../../src/ranking/types.js';

function board(followers: number[], compared: number): Leaderboard {
  return {
    query: { region: 'US', type: 'week', by: 'followers', limit: 10, page: 1 },
    period: { type: 'week', date: '2026-11-23' },
    previous: { type: 'week', date: '2026-11-16' },
    snapped: false,
    fellBackFrom: undefined,
    compared,
    hasMore: false,
    rows: followers.map((gained, i) => ({
      rank: i + 1,
      movement: compared > 0 ? { kind: 'same' } : undefined,
      creator: {
        userId: String(7001 + i),
        handle: `c${i}`,
        nickname: `Creator ${i}`,
        avatar: undefined,
        category: undefined,
        followers: gained,
        followersTotal: 1_000_000,
        sales: undefined,
        gmv: undefined,
        productCategories: [],
        raw: {},
      },
    })),
  };
}

function gainedColumn(view: ReturnType<typeof leaderboardView>): string[] {
  const table = view.blocks.find((b) => b.kind === 'table');
  if (table?.kind !== 'table') throw new Error('no table');
  const column = table.columns.indexOf('Followers gained');
  return table.rows.map((row) => cellText(row[column] ?? ''));
}

describe('leaderboardView', () => {
  it('signs followers gained with + and a loss with U+2212, never +-', () => {
    expect(gainedColumn(leaderboardView(board([12_345, -82_100, 0], 20)))).toEqual([
      '+12.3K',
      '\u221282.1K',
      '0',
    ]);
  });

  it('says which ranks of the previous period movement was measured against', () => {
    expect(leaderboardView(board([1], 20)).footer).toBe(
      'week of Mon 23 Nov 2026 · movement vs week of Mon 16 Nov 2026: ranks 1–20 compared · data: KeyAPI',
    );
    expect(leaderboardView(board([1], 0)).footer).toBe(
      'week of Mon 23 Nov 2026 · no movement: no ranking of week of Mon 16 Nov 2026 to compare · data: KeyAPI',
    );
  });
});
