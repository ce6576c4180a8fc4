/**
 * The KeyAPI response contract (seed: keyapi-influencer-ranking-analytics.md) as zod schemas.
 * Tolerant where harmless (a count sent as "123", an id sent as a number), strict where not.
 * HTTP only: imports nothing of ranking, chat or any adapter.
 */
import { z } from 'zod';

/** Fields that hold identifiers: kept as strings, because `user_id` exceeds 2^53. */
const idFields = [
  'user_id',
  'unique_id',
  'most_category_id',
  'most_category_l2_id',
  'most_category_l3_id',
  'requestId',
];
const bareIdPattern = new RegExp(
  `"(${idFields.join('|')})"(\\s*:\\s*)(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)(?=\\s*[,}\\]])`,
  'g',
);

/**
 * Parses a KeyAPI body, keeping bare numeric ids exactly as their digits: JSON.parse would round
 * 6633792625097490438 to 6633792625097490000. Inside a JSON string quotes are escaped, so the
 * pattern only ever matches real keys.
 */
export function parseKeyApiJson(text: string): unknown {
  return JSON.parse(text.replace(bareIdPattern, '"$1"$2"$3"'));
}

const id = z.union([z.string(), z.number().transform(String)]);
const text = z.union([z.string(), z.number().transform(String)]).nullish();
const numeric = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+(\.\d+)?$/, 'a number')
      .transform(Number),
  ])
  .nullish()
  .transform((n) => n ?? undefined);

/** One ranked creator as KeyAPI sends it; every field but `user_id` may be missing. */
export const apiRowSchema = z.looseObject({
  user_id: id.refine((s) => s.trim().length > 0, 'must not be empty'),
  unique_id: text,
  nick_name: text,
  avatar: text,
  category: text,
  region: text,
  ec_score: numeric,
  sales_flag: numeric,
  total_digg_cnt: numeric,
  total_digg_history_cnt: numeric,
  total_followers_cnt: numeric,
  total_followers_history_cnt: numeric,
  total_live_cnt: numeric,
  total_live_history_cnt: numeric,
  total_post_video_cnt: numeric,
  total_post_video_history_cnt: numeric,
  total_product_cnt: numeric,
  total_product_history_cnt: numeric,
  total_sale_cnt: numeric,
  total_sale_gmv_amt: numeric,
  total_sale_gmv_history_amt: numeric,
  total_sale_history_cnt: numeric,
  product_category_list: text,
  most_category_id: text,
  most_category_l2_id: text,
  most_category_l3_id: text,
});

/** A row after validation: typed fields plus `raw`, the object exactly as received. */
export type ApiRow = z.output<typeof apiRowSchema> & { raw: Record<string, unknown> };

/** A page as the page cache keeps it: the checked rows, each with its `raw` object, and the request id. */
export const rankingPageSchema = z.object({
  rows: z.array(apiRowSchema.extend({ raw: z.record(z.string(), z.unknown()) })),
  requestId: z.string().optional(),
});

/** The envelope every answer shares; `data` stays unknown until the rows are checked one by one. */
export const envelopeSchema = z.object({
  code: z.number(),
  message: z.string().nullish(),
  data: z.unknown(),
  requestId: z.string().nullish(),
});
