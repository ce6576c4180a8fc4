/**
 * The domain of leaderboards: queries, periods, creators and their movement, in our own words.
 * Everything above the KeyAPI client speaks these types; ids are strings end to end.
 */

/** A ranking's cadence: KeyAPI's rank_type 1, 2, 3. */
export type RankType = 'day' | 'week' | 'month';
export const rankTypes: readonly RankType[] = ['day', 'week', 'month'];

/** What the ranking is sorted by: KeyAPI's influencer_rank_field 1, 2. */
export type RankBy = 'followers' | 'sales';
export const rankBys: readonly RankBy[] = ['followers', 'sales'];

/** A ranking period: `date` is its first day (any day; a Monday; a 1st), YYYY-MM-DD. */
export interface Period {
  type: RankType;
  date: string;
}

/** A leaderboard request. Ranks shown are `(page - 1) * limit + 1` to `page * limit`. */
export interface LeaderboardQuery {
  region: string;
  type: RankType;
  by: RankBy;
  category?: string | undefined;
  productCategory?: string | undefined;
  /** Any day inside the wanted period; absent = the latest published period. */
  date?: string | undefined;
  limit: number;
  page: number;
}

/** One entry of `product_category_list`: a level 1-2-3 category path and its rank for the creator. */
export interface ProductCategory {
  l1: string;
  l2: string;
  l3: string;
  rank: number;
}

/** A creator as ranked in one period; metrics are undefined when KeyAPI left them out. */
export interface Creator {
  userId: string;
  handle: string;
  nickname: string;
  avatar: string | undefined;
  category: string | undefined;
  /** Gained during the period. */
  followers: number | undefined;
  followersTotal: number | undefined;
  /** Units sold during the period (estimated). */
  sales: number | undefined;
  /** GMV during the period (estimated). */
  gmv: number | undefined;
  productCategories: ProductCategory[];
  /** The row exactly as KeyAPI sent it. */
  raw: Record<string, unknown>;
}

/** How a creator moved against the previous period's ranking, over the window's depth. */
export type Movement =
  | { kind: 'up'; places: number }
  | { kind: 'down'; places: number }
  | { kind: 'new' }
  | { kind: 'same' };

export interface RankedCreator {
  rank: number;
  creator: Creator;
  /** Undefined when the previous period has no data to compare with. */
  movement: Movement | undefined;
}

/** A resolved leaderboard: which period it shows, why, and its rows in rank order. */
export interface Leaderboard {
  query: LeaderboardQuery;
  period: Period;
  previous: Period;
  /** The date the user gave was not the start of its period, so it was moved to it. */
  snapped: boolean;
  /** The period that was asked for (or the latest expected) is not published; `period` is an earlier one. */
  fellBackFrom: Period | undefined;
  rows: RankedCreator[];
  /**
   * Movement was measured against the previous period's ranks 1 to `compared` (the window's depth,
   * or fewer when that ranking is shorter); 0 when it has none, and every movement is undefined.
   */
  compared: number;
  /** True when the list goes on past the last rank shown, so a next page exists. */
  hasMore: boolean;
}
