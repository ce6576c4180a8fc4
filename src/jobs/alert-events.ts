/**
 * Rank-movement events between two daily snapshots of one query, and the alert item that lists
 * them: a new #1, creators entering the ranks shown (1 to `limit`), climbs of at least `climb`
 * places, drop-outs. Read from the movement the ranking service measured over the leaderboard
 * window, so an alert and the digest of the same day agree. Pure: each creator once, the most telling.
 */
import { type AlertEvent, type AlertItem, alertRows } from '../chat/alert-view.js';
import { movementNote } from '../chat/leaderboard-view.js';
import { leaderboardWindow } from '../ranking/leaderboard-window.js';
import { describePeriod } from '../ranking/period.js';
import { flagOf } from '../ranking/regions.js';
import type { Leaderboard, RankedCreator } from '../ranking/types.js';

/** The previous rank of a creator, as its movement says; undefined when new (or nothing compared). */
export function previousRankOf(row: RankedCreator): number | undefined {
  const { movement } = row;
  if (movement === undefined || movement.kind === 'new') return undefined;
  if (movement.kind === 'up') return row.rank + movement.places;
  if (movement.kind === 'down') return row.rank - movement.places;
  return row.rank;
}

/** The events from `previous` to `current`, each creator once, in the order people read them. */
export function alertEvents(
  previous: Leaderboard,
  current: Leaderboard,
  options: { climb: number },
): AlertEvent[] {
  const top = leaderboardWindow(current.query).to;
  const now = current.rows.filter((r) => r.rank <= top && r.movement !== undefined);
  const nowIds = new Set(now.map((r) => r.creator.userId));
  const events: AlertEvent[] = [];
  const leader = now.find((r) => r.rank === 1);
  if (leader && leader.movement?.kind !== 'same') {
    events.push({
      kind: 'new_leader',
      creator: leader.creator,
      rank: 1,
      previousRank: previousRankOf(leader),
    });
  }
  for (const row of now) {
    if (row === leader && events.length > 0) continue;
    const was = previousRankOf(row);
    if (was === undefined || was > top) {
      events.push({ kind: 'entered', creator: row.creator, rank: row.rank, previousRank: was });
    } else if (was - row.rank >= options.climb) {
      events.push({ kind: 'climbed', creator: row.creator, rank: row.rank, previousRank: was });
    }
  }
  if (now.length > 0) {
    for (const row of previous.rows) {
      if (row.rank > top || nowIds.has(row.creator.userId)) continue;
      events.push({ kind: 'dropped', creator: row.creator, rank: undefined, previousRank: row.rank });
    }
  }
  return events;
}

/** The title of a leaderboard's alerts: "Rank alert · 🇺🇸 US daily top 8 by followers (Beauty)". */
export function alertTitle(kind: 'Rank alert' | 'Watch alert', current: Leaderboard, depth: number): string {
  const { query } = current;
  const cadence = { day: 'daily', week: 'weekly', month: 'monthly' }[current.period.type];
  const title = `${kind} · ${flagOf(query.region)} ${query.region} ${cadence} top ${depth} by ${query.by}`;
  const filters = [
    query.category,
    query.productCategory && `product category ${query.productCategory}`,
  ].filter(Boolean);
  return filters.length > 0 ? `${title} (${filters.join(', ')})` : title;
}

/** The footer of a leaderboard's alerts: its period and what movement was measured against. */
export function alertFooter(current: Leaderboard, sample?: boolean): string {
  return `${describePeriod(current.period)} · ${movementNote(current)} · data: KeyAPI${sample ? ' (sample)' : ''}`;
}

/** The alert item of one subscription for one day. */
export function rankAlertItem(
  current: Leaderboard,
  events: AlertEvent[],
  options: { id: string; sample?: boolean | undefined; late?: 'budget' | undefined },
): AlertItem {
  const top = leaderboardWindow(current.query).to;
  return {
    id: options.id,
    title: alertTitle('Rank alert', current, top),
    rows: alertRows(events, current.query.by, top),
    footer: alertFooter(current, options.sample),
    ...(options.sample ? { sample: true } : {}),
    ...(options.late ? { late: options.late } : {}),
  };
}
