/**
 * Rank-movement events between two daily snapshots of one query, and the one message that lists
 * them: a new #1, creators entering the top `limit`, climbs of at least `climb` places, drop-outs.
 * Pure: each creator gets at most one event, the most telling one.
 */
import { shortName } from '../chat/leaderboard-view.js';
import type { View } from '../chat/view.js';
import { describePeriod } from '../ranking/period.js';
import { flagOf } from '../ranking/regions.js';
import type { Leaderboard } from '../ranking/types.js';

export type AlertEvent =
  | { kind: 'new_leader'; userId: string; name: string; previousRank: number | undefined }
  | { kind: 'entered'; userId: string; name: string; rank: number }
  | { kind: 'climbed'; userId: string; name: string; rank: number; places: number }
  | { kind: 'dropped'; userId: string; name: string; previousRank: number };

/** The events from `previous` to `current`, each creator once, in the order people read them. */
export function alertEvents(
  previous: Leaderboard,
  current: Leaderboard,
  options: { limit: number; climb: number },
): AlertEvent[] {
  const top = (board: Leaderboard) => board.rows.filter((r) => r.rank <= options.limit);
  const before = new Map(top(previous).map((r) => [r.creator.userId, r]));
  const now = top(current);
  const nowIds = new Set(now.map((r) => r.creator.userId));
  const events: AlertEvent[] = [];
  const leader = now.find((r) => r.rank === 1);
  const oldLeader = top(previous).find((r) => r.rank === 1);
  if (leader && oldLeader && leader.creator.userId !== oldLeader.creator.userId) {
    events.push({
      kind: 'new_leader',
      userId: leader.creator.userId,
      name: leader.creator.nickname,
      previousRank: before.get(leader.creator.userId)?.rank,
    });
  }
  for (const row of now) {
    if (events[0]?.userId === row.creator.userId) continue;
    const was = before.get(row.creator.userId);
    if (!was) {
      events.push({
        kind: 'entered',
        userId: row.creator.userId,
        name: row.creator.nickname,
        rank: row.rank,
      });
    } else if (was.rank - row.rank >= options.climb) {
      events.push({
        kind: 'climbed',
        userId: row.creator.userId,
        name: row.creator.nickname,
        rank: row.rank,
        places: was.rank - row.rank,
      });
    }
  }
  for (const row of top(previous)) {
    if (!nowIds.has(row.creator.userId)) {
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
  if (event.kind === 'entered') return `🆕 ${name} entered at #${event.rank}`;
  if (event.kind === 'climbed') return `▲${event.places} ${name} climbed to #${event.rank}`;
  return `▼ ${name} dropped out (was #${event.previousRank})`;
}

/** The alert message of one subscription for one day. */
export function alertView(
  current: Leaderboard,
  events: AlertEvent[],
  options: { limit: number; sample?: boolean },
): View {
  const { query } = current;
  const title = `Rank alert · ${flagOf(query.region)} ${query.region} daily top ${options.limit} by ${query.by}`;
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
    footer: `${describePeriod(current.period)} vs ${describePeriod(current.previous)} · data: KeyAPI${options.sample ? ' (sample)' : ''}`,
  };
}
