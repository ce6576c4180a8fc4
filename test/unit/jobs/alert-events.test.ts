/**
 * Alert events between two crafted daily boards: each kind, each creator at most once, thresholds
 * applied, and none for an unchanged ranking.
 */
import { describe, expect, it } from 'vitest';
import { alertEvents } from '../../../src/jobs/alert-events.js';
import type { Leaderboard } from '../../../src/ranking/types.js';

function board(ids: string[], date: string): Leaderboard {
  return {
    query: { region: 'US', type: 'day', by: 'followers', limit: 10, page: 1 },
    period: { type: 'day', date },
    previous: { type: 'day', date },
    snapped: false,
    fellBackFrom: undefined,
    hasMore: false,
    rows: ids.map((id, i) => ({
      rank: i + 1,
      movement: undefined,
      creator: {
        userId: id,
        handle: id,
        nickname: id.toUpperCase(),
        avatar: undefined,
        category: undefined,
        followers: 1,
        followersTotal: 1,
        sales: 1,
        gmv: 1,
        productCategories: [],
        raw: {},
      },
    })),
  };
}

describe('alertEvents', () => {
  const yesterday = board(['a', 'b', 'c', 'd', 'e', 'f'], '2026-11-23');

  it('finds a new #1, an entry, a climb and a drop-out, each creator once', () => {
    const today = board(['e', 'a', 'x', 'b', 'c', 'd'], '2026-11-24');
    expect(alertEvents(yesterday, today, { limit: 5, climb: 2 })).toEqual([
      { kind: 'new_leader', userId: 'e', name: 'E', previousRank: 5 },
      { kind: 'entered', userId: 'x', name: 'X', rank: 3 },
      { kind: 'dropped', userId: 'd', name: 'D', previousRank: 4 },
    ]);
    const climbing = board(['a', 'b', 'e', 'c', 'd'], '2026-11-24');
    expect(alertEvents(yesterday, climbing, { limit: 5, climb: 2 })).toEqual([
      { kind: 'climbed', userId: 'e', name: 'E', rank: 3, places: 2 },
    ]);
    expect(alertEvents(yesterday, climbing, { limit: 5, climb: 3 })).toEqual([]);
  });

  it('finds nothing when the ranking did not change', () => {
    expect(
      alertEvents(yesterday, board(['a', 'b', 'c', 'd', 'e', 'f'], '2026-11-24'), { limit: 5, climb: 1 }),
    ).toEqual([]);
  });
});
