/**
 * /toprank: shows a leaderboard with movement against the previous period and Prev/Next buttons.
 */
import { leaderboardView } from '../src/chat/leaderboard-view.js';
import { ToprankError } from '../src/errors.js';
import { MAX_DEPTH } from '../src/ranking/leaderboard-window.js';
import { defineCommand } from './define-command.js';
import { dateOption, pageOption, queryOptions, toLeaderboardQuery } from './query-options.js';

export const toprank = defineCommand({
  name: 'toprank',
  description: 'Show the TikTok Shop influencer leaderboard for a region',
  options: { ...queryOptions, date: dateOption, page: pageOption },
  async run(input, ctx) {
    const query = toLeaderboardQuery(input);
    if ((query.page - 1) * query.limit >= MAX_DEPTH) {
      throw new ToprankError('invalid_option', {
        option: 'page',
        value: String(query.page),
        allowed: `at most ${Math.ceil(MAX_DEPTH / query.limit)} with limit:${query.limit} (rankings go ${MAX_DEPTH} deep)`,
      });
    }
    const board = await ctx.services.leaderboards.get(query);
    return leaderboardView(board, { locale: ctx.user.locale, paging: true, sample: ctx.sample });
  },
});
