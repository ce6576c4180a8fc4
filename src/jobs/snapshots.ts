/**
 * Snapshots: the leaderboard a tick or an alert check fetched, stored once per distinct query and
 * period so every delivery renders the same rows without another upstream request. Validated with
 * zod when read; creators' raw KeyAPI rows are dropped to keep 10,000 fan-outs light.
 */
import { snapshotKey } from '../keys.js';
import { leaderboardSchema } from '../ranking/leaderboard-schema.js';
import { periodKey } from '../ranking/period.js';
import type { Leaderboard } from '../ranking/types.js';
import type { RedisClient } from '../redis-connection.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

export interface SnapshotStore {
  put(queryHash: string, board: Leaderboard): Promise<void>;
  get(queryHash: string, periodKey: string): Promise<Leaderboard | undefined>;
}

export function createSnapshotStore(redis: RedisClient, prefix: string): SnapshotStore {
  return {
    async put(hash, board) {
      const light = { ...board, rows: board.rows.map((r) => ({ ...r, creator: { ...r.creator, raw: {} } })) };
      await redis.set(
        snapshotKey(prefix, hash, periodKey(board.period)),
        JSON.stringify(light),
        'EX',
        MARKER_TTL_SECONDS,
      );
    },
    async get(hash, period) {
      const raw = await redis.get(snapshotKey(prefix, hash, period));
      return raw === null ? undefined : leaderboardSchema.parse(JSON.parse(raw));
    },
  };
}

/**
 * A delivery process's copy of recent snapshots: a slot's thousands of deliveries share a few boards,
 * so each is read and validated once a minute instead of once a delivery (CPU and garbage, hence RSS).
 */
export function withSnapshotCache(store: SnapshotStore, ttlMs = 60_000, maxEntries = 64): SnapshotStore {
  const cache = new Map<string, { at: number; board: Promise<Leaderboard | undefined> }>();
  return {
    async put(hash, board) {
      cache.delete(`${hash}|${periodKey(board.period)}`);
      await store.put(hash, board);
    },
    get(hash, period) {
      const key = `${hash}|${period}`;
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.board;
      const board = store.get(hash, period);
      cache.set(key, { at: Date.now(), board });
      // A failed read is not kept; nor is a missing snapshot, which a tick may be about to store.
      board.then(
        (found) => found === undefined && cache.delete(key),
        () => cache.delete(key),
      );
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return board;
    },
  };
}
