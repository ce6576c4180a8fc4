/**
 * A channel's watchlist: the creators it follows by name on given leaderboards, how deep toprank looks
 * for them, its climb threshold and quiet hours. Plain records validated with zod when read; the
 * handle rule (with or without `@`, case-insensitive) and the 50-creator cap live here. No I/O.
 */
import { z } from 'zod';
import { isRegionCode } from '../ranking/regions.js';
import { rankBys, rankTypes } from '../ranking/types.js';
import { quietHoursSchema } from './quiet-hours.js';
import { isTimeZone } from './slot.js';
import { queryHash, type SubscriptionQuery } from './subscription.js';

/** A channel watches at most this many creators, over all its leaderboards. */
export const MAX_WATCHED_PER_CHANNEL = 50;
/** How deep toprank looks for a watched creator unless told otherwise. */
export const DEFAULT_WATCH_DEPTH = 50;
export const MIN_WATCH_DEPTH = 10;
export const MAX_WATCH_DEPTH = 100;

/** The leaderboard a creator is watched on, read from rank 1 to `depth`. */
export const watchBoardSchema = z.object({
  region: z.string().refine(isRegionCode),
  type: z.enum(rankTypes),
  by: z.enum(rankBys),
  depth: z.number().int().min(MIN_WATCH_DEPTH).max(MAX_WATCH_DEPTH),
});
export type WatchBoard = z.output<typeof watchBoardSchema>;

/** A TikTok handle as toprank keeps it: no `@`, lowercase (TikTok handles are case-insensitive). */
export const handleSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().replace(/^@/, '').toLowerCase() : v),
  z.string().regex(/^[a-z0-9._]{1,64}$/),
);

/** The key a handle is compared by, whatever KeyAPI or the user wrote. */
export function handleKey(handle: string): string {
  return handle.trim().replace(/^@/, '').toLowerCase();
}

export const watchedCreatorSchema = z.object({
  /** The handle typed, then the latest one seen (a creator who renames stays watched by `userId`). */
  handle: z.string(),
  /** KeyAPI's `user_id`, kept once the handle was seen on the leaderboard. */
  userId: z.string().optional(),
  nickname: z.string().optional(),
  board: watchBoardSchema,
  /** The rank at the latest check (undefined: not in the top `depth`), and that period's key. */
  lastRank: z.number().int().optional(),
  lastPeriod: z.string().optional(),
  addedBy: z.string(),
  addedAt: z.string(),
});
export type WatchedCreator = z.output<typeof watchedCreatorSchema>;

export const watchlistSchema = z.object({
  team: z.string(),
  channel: z.string(),
  /** Zone of the quiet hours. */
  timezone: z.string().refine(isTimeZone),
  alertClimb: z.number().int().min(1).max(100),
  quiet: quietHoursSchema.optional(),
  creators: z.array(watchedCreatorSchema).max(MAX_WATCHED_PER_CHANNEL),
});
export type Watchlist = z.output<typeof watchlistSchema>;

/** The ranking-service query of a watched leaderboard: its first page, `depth` ranks. */
export function boardQuery(board: WatchBoard): SubscriptionQuery {
  return { region: board.region, type: board.type, by: board.by, limit: board.depth };
}

/** A short stable hash of the board: checks, snapshots and hysteresis key on it. */
export function boardHash(board: WatchBoard): string {
  return queryHash(boardQuery(board));
}

/** The board in words: "US daily top 50 by followers". */
export function describeBoard(board: WatchBoard): string {
  const cadence = { day: 'daily', week: 'weekly', month: 'monthly' }[board.type];
  return `${board.region} ${cadence} top ${board.depth} by ${board.by}`;
}

/** True when `creator` is this row's creator: by `user_id` once known, else by handle. */
export function isWatched(creator: WatchedCreator, row: { userId: string; handle: string }): boolean {
  return creator.userId ? creator.userId === row.userId : handleKey(creator.handle) === handleKey(row.handle);
}

/** Whether a creator is one of the list's, on any of its leaderboards (the ★ of /toprank and digests). */
export function watchedMatcher(
  list: Watchlist | undefined,
): ((row: { userId: string; handle: string }) => boolean) | undefined {
  if (!list || list.creators.length === 0) return undefined;
  return (row) => list.creators.some((creator) => isWatched(creator, row));
}
