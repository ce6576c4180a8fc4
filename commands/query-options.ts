/**
 * The leaderboard query options shared by /toprank and /toprank-subscribe, declared once.
 * Values are case-insensitive; text from Slack and the terminal and typed values from Discord both pass.
 */
import { z } from 'zod';
import { isValidDate } from '../src/ranking/period.js';
import { isRegionCode } from '../src/ranking/regions.js';
import { type LeaderboardQuery, rankBys, rankTypes } from '../src/ranking/types.js';
import type { OptionSpec } from './define-command.js';

const text = z.string().trim();
const lower = z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.string());

export const regionOption = {
  description: 'Region code, e.g. US, GB, ID',
  type: 'string',
  schema: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
    z.string().refine(isRegionCode),
  ),
  allowed: 'a 2-letter region code such as US or GB',
  example: 'US',
  autocomplete: 'region',
  required: true,
  positional: true,
} satisfies OptionSpec;

const typeOption = {
  description: 'Ranking period: day, week (starts Monday) or month (starts on the 1st)',
  type: 'string',
  schema: lower.pipe(z.enum(rankTypes)).default('day'),
  allowed: 'day, week or month',
  example: 'week',
  choices: rankTypes,
} satisfies OptionSpec;

const byOption = {
  description: 'Sort by followers gained or by sales',
  type: 'string',
  schema: lower.pipe(z.enum(rankBys)).default('followers'),
  allowed: 'followers or sales',
  example: 'sales',
  choices: rankBys,
} satisfies OptionSpec;

const categoryOption = {
  description: 'Creator category, e.g. Beauty',
  type: 'string',
  schema: text.max(80).optional(),
  allowed: 'a creator category of at most 80 characters',
  example: 'Beauty',
  autocomplete: 'category',
} satisfies OptionSpec;

const productCategoryOption = {
  description: 'Product category id, e.g. 601450',
  type: 'string',
  schema: text.regex(/^\d{1,12}$/).optional(),
  allowed: 'a numeric product category id such as 601450',
  example: '601450',
} satisfies OptionSpec;

const limitOption = {
  description: 'How many creators to show, 1–50',
  type: 'integer',
  schema: z.coerce.number().int().min(1).max(50).default(10),
  allowed: 'a whole number from 1 to 50',
  example: '10',
  min: 1,
  max: 50,
} satisfies OptionSpec;

/** on/off (also true/false, yes/no), typed or as text. */
export const onOff = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const word = v.trim().toLowerCase();
  if (['on', 'true', 'yes'].includes(word)) return true;
  if (['off', 'false', 'no'].includes(word)) return false;
  return v;
}, z.boolean());

/** Options every leaderboard query shares, minus the date (digests always show the latest period). */
export const queryOptions = {
  region: regionOption,
  type: typeOption,
  by: byOption,
  category: categoryOption,
  product_category: productCategoryOption,
  limit: limitOption,
};

export const dateOption = {
  description: 'A day in the wanted period, YYYY-MM-DD (default: the latest published)',
  type: 'string',
  schema: text.refine(isValidDate).optional(),
  allowed: 'a calendar date written YYYY-MM-DD, such as 2026-11-23',
  example: '2026-11-23',
} satisfies OptionSpec;

export const pageOption = {
  description: 'Page of the leaderboard, 1–10',
  type: 'integer',
  schema: z.coerce.number().int().min(1).max(10).default(1),
  allowed: 'a whole number from 1 to 10',
  example: '2',
  min: 1,
  max: 10,
} satisfies OptionSpec;

/** The domain query from validated options. */
export function toLeaderboardQuery(input: {
  region: string;
  type: LeaderboardQuery['type'];
  by: LeaderboardQuery['by'];
  category?: string | undefined;
  product_category?: string | undefined;
  limit: number;
  date?: string | undefined;
  page?: number | undefined;
}): LeaderboardQuery {
  return {
    region: input.region,
    type: input.type,
    by: input.by,
    category: input.category || undefined,
    productCategory: input.product_category || undefined,
    date: input.date,
    limit: input.limit,
    page: input.page ?? 1,
  };
}
