/**
 * Redis key builders, one exported function per key, so each key's shape lives in one place.
 * Every key starts with the one hash tag `prefix` (Redis Cluster). Imports nothing.
 */

/** One history snapshot: a hash of page number → KeyAPI rows, for one query and one period date. */
export function historyKey(prefix: string, queryId: string, date: string): string {
  return `${prefix}:history:${queryId}:${date}`;
}

/** The periods held in history for one query: a sorted set of dates, scored by day, for retention. */
export function historyPeriodsKey(prefix: string, queryId: string): string {
  return `${prefix}:history-periods:${queryId}`;
}
