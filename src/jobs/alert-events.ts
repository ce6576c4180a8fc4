/**
 * Rank-movement events between two daily snapshots of one query, and the one message that lists
 * them: a new #1, creators entering the ranks shown (1 to `limit`), climbs of at least `climb`
 * places, drop-outs. Read from the movement the ranking service measured over the leaderboard
 * window, so an alert and the digest of the same day agree. Pure: each creator once, the most telling.
 */
import { movementNote, shortName } from '../chat/leaderboard-view.js';
import type { View } from '../chat/view.js';
import { leaderboardWindow } from '../ranking/leaderboard-window.js';
import { describePeriod } from '../ranking/period.js';
import { flagOf } from '../ranking/regions.js';
import type { Leaderboard, RankedCreator } from '../ranking/types.js';

export type AlertEvent =
  | { kind: 'new_leader'; userId: string; name: string; previousRank: number | undefined }
  /** Into the ranks shown: new to the ranks compared (`previousRank` undefined), or from below them. */
  | { kind: 'entered'; userId: string; name: string; rank: number; previousRank: number | undefined }
  | { kind: 'climbed'; userId: string; name: string; rank: number; places: number }
  | { kind: 'dropped'; userId: string; name: string; previousRank: number };

/** Yesterday's rank of a creator, as its movement says; undefined when new (or nothing compared). */
function previousRankOf(row: RankedCreator): number | undefined {
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
      userId: leader.creator.userId,
      name: leader.creator.nickname,
      previousRank: previousRankOf(leader),
    });
  }
  for (const row of now) {
    if (events[0]?.userId === row.creator.userId) continue;
    const was = previousRankOf(row);
    const { userId, nickname: name } = row.creator;
    if (was === undefined || was > top) {
      events.push({ kind: 'entered', userId, name, rank: row.rank, previousRank: was });
    } else if (was - row.rank >= options.climb) {
      events.push({ kind: 'climbed', userId, name, rank: row.rank, places: was - row.rank });
    }
  }
  if (now.length > 0) {
    for (const row of previous.rows) {
      if (row.rank > top || nowIds.has(row.creator.userId)) continue;
      events.push({
        kind: 'dropped',
        userId: row.creator.userId,
        name: row.creator.nickname,
        previousRank: row.rank,
      });
    }
  }
  return events;
}

function eventLine(event: AlertEvent): string {
  const name = shortName(event.name);
  if (event.kind === 'new_leader') {
    return `👑 New #1: ${name}${event.previousRank ? ` (up from #${event.previousRank})` : ''}`;
  }
  if (event.kind === 'entered') {
    const from = event.previousRank;
    return from === undefined
      ? `🆕 ${name} entered at #${event.rank}`
      : `▲${from - event.rank} ${name} entered at #${event.rank} (was #${from})`;
  }
  if (event.kind === 'climbed') return `▲${event.places} ${name} climbed to #${event.rank}`;
  return `▼ ${name} dropped out (was #${event.previousRank})`;
}

/** The alert message of one subscription for one day. */
export function alertView(
  current: Leaderboard,
  events: AlertEvent[],
  options: { sample?: boolean } = {},
): View {
  const { query } = current;
  const title = `Rank alert · ${flagOf(query.region)} ${query.region} daily top ${leaderboardWindow(query).to} by ${query.by}`;
  const filters = [
    query.category,
    query.productCategory && `product category ${query.productCategory}`,
  ].filter(Boolean);
  return {
    title: filters.length > 0 ? `${title} (${filters.join(', ')})` : title,
    blocks: [
      ...(options.sample
        ? [{ kind: 'notice' as const, tone: 'warning' as const, text: 'Sample data: not real creators.' }]
        : []),
      { kind: 'text', text: events.map(eventLine).join('\n') },
    ],
    footer: `${describePeriod(current.period)} · ${movementNote(current)} · data: KeyAPI${options.sample ? ' (sample)' : ''}`,
  };
}
