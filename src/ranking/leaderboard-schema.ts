/**
 * The Leaderboard of ./types.ts as a zod schema, for boards stored and read back (snapshots). Typed
 * against the interfaces, so a field added to a ranking type that the schema lacks fails to compile
 * instead of vanishing from every stored board. Imports the ranking types only.
 */
import { z } from 'zod';
import { type Leaderboard, rankBys, rankTypes } from './types.js';

/**
 * A key the interface requires whose value may be undefined: JSON drops such keys when stored, so it
 * may be missing when read (optional in), yet it is always there on the board read (required out).
 */
const maybe = <T extends z.ZodType>(schema: T) => schema.optional().transform((value) => value);

const periodSchema = z.object({ type: z.enum(rankTypes), date: z.string() });

const creatorSchema = z.object({
  userId: z.string(),
  handle: z.string(),
  nickname: z.string(),
  avatar: maybe(z.string()),
  category: maybe(z.string()),
  followers: maybe(z.number()),
  followersTotal: maybe(z.number()),
  sales: maybe(z.number()),
  gmv: maybe(z.number()),
  productCategories: z.array(z.object({ l1: z.string(), l2: z.string(), l3: z.string(), rank: z.number() })),
  raw: z.record(z.string(), z.unknown()),
});

const movementSchema = z.union([
  z.object({ kind: z.enum(['up', 'down']), places: z.number() }),
  z.object({ kind: z.enum(['new', 'same']) }),
]);

/** A whole leaderboard: its query, periods, rows with movement, and whether more pages follow. */
export const leaderboardSchema: z.ZodType<Leaderboard> = z.object({
  query: z.object({
    region: z.string(),
    type: z.enum(rankTypes),
    by: z.enum(rankBys),
    category: z.string().optional(),
    productCategory: z.string().optional(),
    date: z.string().optional(),
    limit: z.number(),
    page: z.number(),
  }),
  period: periodSchema,
  previous: periodSchema,
  snapped: z.boolean(),
  fellBackFrom: maybe(periodSchema),
  rows: z.array(z.object({ rank: z.number(), creator: creatorSchema, movement: maybe(movementSchema) })),
  compared: z.number(),
  hasMore: z.boolean(),
});
