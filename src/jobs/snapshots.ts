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
