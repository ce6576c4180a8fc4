/**
 * The `creator` option of /toprank-watch and /toprank-unwatch: one or several comma-separated TikTok
 * handles, with or without `@`, case-insensitive (and, for unwatch, `all`).
 */
import { z } from 'zod';
import { handleSchema, MAX_WATCHED_PER_CHANNEL } from '../src/subscriptions/watchlist.js';
import type { OptionSpec } from './define-command.js';

const handles = z.array(handleSchema).min(1).max(MAX_WATCHED_PER_CHANNEL);
const splitHandles = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(/[,\s]+/)
        .map((h) => h.trim())
        .filter(Boolean)
    : v;

export const watchCreatorOption = {
  description: 'TikTok handles to watch, comma-separated (@mia,@leo); leave out to list the watchlist',
  type: 'string',
  schema: z.preprocess(splitHandles, handles).optional(),
  allowed: `one or more TikTok handles such as @mia or @mia,@leo (at most ${MAX_WATCHED_PER_CHANNEL})`,
  example: '@mia',
  positional: true,
} satisfies OptionSpec;

export const unwatchCreatorOption = {
  description: 'The handles to stop watching, comma-separated (@mia,@leo), or all',
  type: 'string',
  schema: z.preprocess(
    (v) => (typeof v === 'string' && v.trim().toLowerCase() === 'all' ? 'all' : splitHandles(v)),
    z.union([z.literal('all'), handles]),
  ),
  allowed: 'one or more watched handles such as @mia or @mia,@leo, or all',
  example: '@mia',
  required: true,
  positional: true,
} satisfies OptionSpec;
