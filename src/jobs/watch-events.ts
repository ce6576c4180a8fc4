/**
 * What happened to a channel's watched creators on one leaderboard between two periods: entering or
 * leaving the top `depth`, moving at least `climb` places up or down, becoming #1; and what the
 * watchlist learns (a handle's `user_id`, a new handle after a rename, the latest rank). Pure.
 */
import type { AlertEvent } from '../chat/alert-view.js';
import { periodKey } from '../ranking/period.js';
import type { Creator, Leaderboard } from '../ranking/types.js';
import { isWatched, type WatchedCreator } from '../subscriptions/watchlist.js';
import { previousRankOf } from './alert-events.js';

export interface WatchFindings {
  events: AlertEvent[];
  /** The creators as the watchlist should now keep them (same order). */
  creators: WatchedCreator[];
}

/**
 * The events of `creators` (all watched on `current`'s leaderboard) from the period before, whose top
 * `depth` was `previous` (undefined: nothing to compare, so no events but the latest ranks).
 */
export function watchEvents(
  current: Leaderboard,
  previous: { rank: number; creator: Creator }[] | undefined,
  creators: WatchedCreator[],
  climb: number,
): WatchFindings {
  const events: AlertEvent[] = [];
  const compared = previous !== undefined && current.compared > 0 && current.rows.length > 0;
  const depth = current.query.limit;
  const updated = creators.map((watched) => {
    const row = current.rows.find((r) => isWatched(watched, r.creator));
    const before = previous?.find((r) => isWatched(watched, r.creator));
    const seen = row?.creator ?? before?.creator;
    const next: WatchedCreator = {
      ...watched,
      ...(seen
        ? { userId: seen.userId, handle: seen.handle || watched.handle, nickname: seen.nickname }
        : {}),
      lastPeriod: periodKey(current.period),
    };
    if (row) next.lastRank = row.rank;
    else delete next.lastRank;
    if (!compared) return next;
    if (row) {
      const was = previousRankOf(row);
      const event = { creator: row.creator, rank: row.rank, previousRank: was };
      if (row.rank === 1 && was !== 1) events.push({ kind: 'new_leader', ...event });
      // From below the top `depth` (the ranks compared go to the next whole page) is an entry too.
      else if (was === undefined || was > depth) events.push({ kind: 'entered', ...event });
      else if (was - row.rank >= climb) events.push({ kind: 'climbed', ...event });
      else if (row.rank - was >= climb) events.push({ kind: 'fell', ...event });
    } else if (before) {
      events.push({ kind: 'dropped', creator: before.creator, rank: undefined, previousRank: before.rank });
    }
    return next;
  });
  // In the order people read them: by rank now, those who dropped out last.
  events.sort((a, b) => (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY));
  return { events, creators: updated };
}
