/**
 * Movement between two rankings of the same query, per creator by `user_id`.
 * Pure: no I/O, so digests, alerts and /toprank all agree on what "▲3" means.
 */
import type { Movement } from './types.js';

/** Rank of each creator in the previous period, by user id. */
export type RankIndex = ReadonlyMap<string, number>;

/** How a creator now at `rank` moved since the previous ranking (`new` when absent from it). */
export function movementOf(userId: string, rank: number, previous: RankIndex): Movement {
  const before = previous.get(userId);
  if (before === undefined) return { kind: 'new' };
  if (before > rank) return { kind: 'up', places: before - rank };
  if (before < rank) return { kind: 'down', places: rank - before };
  return { kind: 'same' };
}

/** Movement as people read it: ▲3, ▼2, NEW, or = for no change. */
export function formatMovement(movement: Movement | undefined): string {
  if (movement === undefined) return '–';
  if (movement.kind === 'up') return `▲${movement.places}`;
  if (movement.kind === 'down') return `▼${movement.places}`;
  if (movement.kind === 'new') return '🆕';
  return '=';
}
