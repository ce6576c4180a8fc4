import { describe, expect, it } from 'vitest';
import { leaderboardSchema } from '../../../src/ranking/leaderboard-schema.js';
import type { Leaderboard } from '../../../src/ranking/types.js';

const board: Leaderboard = {
  query: { region: 'US', type: 'week', by: 'sales', limit: 2, page: 1 },
  period: { type: 'week', date: '2026-11-16' },
  previous: { type: 'week', date: '2026-11-09' },
  snapped: false,
  fellBackFrom: undefined,
  rows: [
    {
      rank: 1,
      creator: {
        userId: '7000000000000000001',
        handle: 'mia.glow',
        nickname: 'Mia Glow',
        avatar: undefined,
        category: 'Beauty',
        followers: 1200,
        followersTotal: undefined,
        sales: 30,
        gmv: 900.5,
        productCategories: [{ l1: '601450', l2: '849672', l3: '601690', rank: 1 }],
        raw: {},
      },
      movement: { kind: 'up', places: 3 },
    },
  ],
  compared: 10,
  hasMore: false,
};

describe('leaderboardSchema', () => {
  it('reads back a board stored as JSON, undefined fields included', () => {
    expect(leaderboardSchema.parse(JSON.parse(JSON.stringify(board)))).toEqual(board);
  });

  it('refuses a stored board that lost a field the ranking types require', () => {
    const stored = JSON.parse(JSON.stringify(board));
    delete stored.rows[0].creator.nickname;
    expect(() => leaderboardSchema.parse(stored)).toThrow();
    expect(() =>
      leaderboardSchema.parse({ ...board, period: { type: 'year', date: '2026-01-01' } }),
    ).toThrow();
  });
});
