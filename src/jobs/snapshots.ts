/**
 * Snapshots: the leaderboard a tick or an alert check fetched, stored once per distinct query and
 * period so every delivery renders the same rows without another upstream request. Validated with
 * zod when read; creators' raw KeyAPI rows are dropped to keep 10,000 fan-outs light.
 */

import { z } from 'zod';
import { periodKey } from '../ranking/period.js';
import type { Leaderboard } from '../ranking/types.js';
import type { RedisClient } from '../redis-connection.js';
import { MARKER_TTL_SECONDS } from './tick-state.js';

const periodSchema = z.object({ type: z.enum(['day', 'week', 'month']), date: z.string() });
const optionalNumber = z.number().optional();

const leaderboardSchema = z.object({
  query: z.object({
    region: z.string(),
    type: z.enum(['day', 'week', 'month']),
    by: z.enum(['followers', 'sales']),
    category: z.string().optional(),
    productCategory: z.string().optional(),
    date: z.string().optional(),
    limit: z.number(),
    page: z.number(),
  }),
  period: periodSchema,
  previous: periodSchema,
  snapped: z.boolean(),
  fellBackFrom: periodSchema.optional(),
  rows: z.array(
    z.object({
      rank: z.number(),
      creator: z.object({
        userId: z.string(),
        handle: z.string(),
        nickname: z.string(),
        avatar: z.string().optional(),
        category: z.string().optional(),
        followers: optionalNumber,
        followersTotal: optionalNumber,
        sales: optionalNumber,
        gmv: optionalNumber,
        productCategories: z.array(
          z.object({ l1: z.string(), l2: z.string(), l3: z.string(), rank: z.number() }),
        ),
        raw: z.record(z.string(), z.unknown()),
      }),
      movement: z
        .union([
          z.object({ kind: z.enum(['up', 'down']), places: z.number() }),
          z.object({ kind: z.enum(['new', 'same']) }),
        ])
        .optional(),
    }),
  ),
  hasMore: z.boolean(),
});

export interface SnapshotStore {
  put(queryHash: string, board: Leaderboard): Promise<void>;
  get(queryHash: string, periodKey: string): Promise<Leaderboard | undefined>;
}

export function createSnapshotStore(redis: RedisClient, prefix: string): SnapshotStore {
  const key = (hash: string, period: string) => `${prefix}:snap:${hash}:${period}`;
  return {
    async put(hash, board) {
      const light = { ...board, rows: board.rows.map((r) => ({ ...r, creator: { ...r.creator, raw: {} } })) };
      await redis.set(key(hash, periodKey(board.period)), JSON.stringify(light), 'EX', MARKER_TTL_SECONDS);
    },
    async get(hash, period) {
      const raw = await redis.get(key(hash, period));
      return raw === null ? undefined : (leaderboardSchema.parse(JSON.parse(raw)) as Leaderboard);
    },
  };
}
