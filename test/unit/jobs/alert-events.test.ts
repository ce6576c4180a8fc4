/**
 * Alert events between two crafted daily boards, with movement measured as the ranking service does
 * (over the whole lists): each kind, each creator at most once, thresholds applied, none for an
 * unchanged ranking, and the same movement a digest shows.
 */
import { describe, expect, it } from 'vitest';
import { alertMessageView } from '../../../src/chat/alert-view.js';
import { cellText } from '../../../src/chat/view.js';
import { alertEvents, rankAlertItem } from '../../../src/jobs/alert-events.js';
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

  /** Each event as kind, creator, rank now and before. */
  const brief = (events: ReturnType<typeof alertEvents>) =>
    events.map((e) => [e.kind, e.creator.userId, e.rank, e.previousRank]);

  it('finds a new #1, an entry, a climb and a drop-out, each creator once', () => {
    const today = board(['e', 'a', 'x', 'b', 'c', 'd'], '2026-11-24', 5, before);
    expect(brief(alertEvents(yesterday, today, { climb: 2 }))).toEqual([
      ['new_leader', 'e', 1, 5],
      ['entered', 'x', 3, undefined],
      ['dropped', 'd', undefined, 4],
    ]);
    const climbing = board(['a', 'b', 'e', 'c', 'd'], '2026-11-24', 5, before);
    expect(brief(alertEvents(yesterday, climbing, { climb: 2 }))).toEqual([['climbed', 'e', 3, 5]]);
    expect(alertEvents(yesterday, climbing, { climb: 3 })).toEqual([]);
  });

  it('says a creator from below the ranks shown moved up as many places as the digest’s ▲', () => {
    const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const today = board(['a', 'g', 'b', 'c', 'd', 'e', 'f'], '2026-11-24', 5, seven);
    // The digest of the same board shows ▲5 for G: the alert says the same, not "new".
    expect(today.rows[1]?.movement).toEqual({ kind: 'up', places: 5 });
    const events = alertEvents(board(seven, '2026-11-23', 5), today, { climb: 10 });
    expect(brief(events)).toEqual([
      ['entered', 'g', 2, 7],
      ['dropped', 'e', undefined, 5],
    ]);
    // Each line names the creator as `Nickname (@handle)`, linked to the profile, with the metric.
    const view = alertMessageView([rankAlertItem(today, events, { id: 'alert-x-2026-11-24' })]);
    const table = view.blocks.at(-1);
    if (table?.kind !== 'table') throw new Error('no table');
    expect(table.rows.map((row) => row.map(cellText))).toEqual([
      ['2', '▲5', 'G (@g)', 'entered the top 5 (was #7) · +1 followers gained'],
      ['–', '▼', 'E (@e)', 'dropped out of the top 5 (was #5)'],
    ]);
    expect(table.rows[0]?.[2]).toEqual({ text: 'G (@g)', url: 'https://www.tiktok.com/@g' });
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
