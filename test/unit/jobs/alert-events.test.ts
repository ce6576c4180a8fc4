/**
 * Alert events between two crafted daily boards, with movement measured as the ranking service does
 * (over the whole lists): each kind, each creator at most once, thresholds applied, none for an
 * unchanged ranking, and the same movement a digest shows.
 */
import { describe, expect, it } from 'vitest';
import { alertEvents, alertView } from '../../../src/jobs/alert-events.js';
import { movementOf } from '../../../src/ranking/movement.js';
import type { Leaderboard } from '../../../src/ranking/types.js';

/** A board of `limit` ranks shown, its movement measured against all of `before` (as the service does). */
function board(ids: string[], date: string, limit: number, before: string[] = []): Leaderboard {
  const previousRanks = new Map(before.map((id, i) => [id, i + 1]));
  return {
    query: { region: 'US', type: 'day', by: 'followers', limit, page: 1 },
    period: { type: 'day', date },
    previous: { type: 'day', date: '2026-11-22' },
    snapped: false,
    fellBackFrom: undefined,
    compared: before.length,
    hasMore: false,
    rows: ids.slice(0, limit).map((id, i) => ({
      rank: i + 1,
      movement: before.length > 0 ? movementOf(id, i + 1, previousRanks) : undefined,
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
  const before = ['a', 'b', 'c', 'd', 'e', 'f'];
  const yesterday = board(before, '2026-11-23', 5);

  it('finds a new #1, an entry, a climb and a drop-out, each creator once', () => {
    const today = board(['e', 'a', 'x', 'b', 'c', 'd'], '2026-11-24', 5, before);
    expect(alertEvents(yesterday, today, { climb: 2 })).toEqual([
      { kind: 'new_leader', userId: 'e', name: 'E', previousRank: 5 },
      { kind: 'entered', userId: 'x', name: 'X', rank: 3, previousRank: undefined },
      { kind: 'dropped', userId: 'd', name: 'D', previousRank: 4 },
    ]);
    const climbing = board(['a', 'b', 'e', 'c', 'd'], '2026-11-24', 5, before);
    expect(alertEvents(yesterday, climbing, { climb: 2 })).toEqual([
      { kind: 'climbed', userId: 'e', name: 'E', rank: 3, places: 2 },
    ]);
    expect(alertEvents(yesterday, climbing, { climb: 3 })).toEqual([]);
  });

  it('says a creator from below the ranks shown moved up as many places as the digest’s ▲', () => {
    const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const today = board(['a', 'g', 'b', 'c', 'd', 'e', 'f'], '2026-11-24', 5, seven);
    // The digest of the same board shows ▲5 for G: the alert says the same, not "new".
    expect(today.rows[1]?.movement).toEqual({ kind: 'up', places: 5 });
    const events = alertEvents(board(seven, '2026-11-23', 5), today, { climb: 10 });
    expect(events).toEqual([
      { kind: 'entered', userId: 'g', name: 'G', rank: 2, previousRank: 7 },
      { kind: 'dropped', userId: 'e', name: 'E', previousRank: 5 },
    ]);
    const view = alertView(today, events);
    expect(view.blocks.at(-1)).toEqual({
      kind: 'text',
      text: '▲5 G entered at #2 (was #7)\n▼ E dropped out (was #5)',
    });
    expect(view.footer).toBe(
      'Tue 24 Nov 2026 · movement vs Sun 22 Nov 2026: ranks 1–7 compared · data: KeyAPI',
    );
  });

  it('finds nothing when the ranking did not change', () => {
    expect(alertEvents(yesterday, board(before, '2026-11-24', 5, before), { climb: 1 })).toEqual([]);
  });

  it('finds nothing when there was no earlier ranking to compare with', () => {
    expect(alertEvents(yesterday, board(['x', 'a'], '2026-11-24', 5), { climb: 1 })).toEqual([]);
  });
});
