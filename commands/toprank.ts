/**
 * /toprank: shows a leaderboard with movement against the previous period, Prev/Next buttons and the
 * Chart and CSV buttons; `chart:on` attaches the chart, `format:csv` (or `format:chart`) sends the file
 * alone with the title and notices.
 */
import { z } from 'zod';
import { chartAttachment, chartCostNotice, csvAttachment } from '../src/chat/leaderboard-files.js';
import { leaderboardView } from '../src/chat/leaderboard-view.js';
import { teamOf } from '../src/chat/team.js';
import type { Attachment, Block, View } from '../src/chat/view.js';
import { messageFor, ToprankError } from '../src/errors.js';
import { MAX_DEPTH } from '../src/ranking/leaderboard-window.js';
import { CHART_PERIODS } from '../src/ranking/rank-history.js';
import type { Leaderboard } from '../src/ranking/types.js';
import { watchedMatcher } from '../src/subscriptions/watchlist.js';
import { type CommandContext, defineCommand, type OptionSpec } from './define-command.js';
import { dateOption, onOff, pageOption, queryOptions, toLeaderboardQuery } from './query-options.js';

const chartOption = {
  description: `Attach a chart of the last ${CHART_PERIODS} periods: rank trajectory and metric bars (on/off)`,
  type: 'boolean',
  schema: onOff.default(false),
  allowed: 'on or off',
  example: 'on',
} satisfies OptionSpec;

const formats = ['table', 'csv', 'chart'] as const;

const formatOption = {
  description: 'table (default), csv (the rows as a CSV file) or chart (the chart alone)',
  type: 'string',
  schema: z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(formats))
    .default('table'),
  allowed: 'table, csv or chart',
  example: 'csv',
  choices: formats,
} satisfies OptionSpec;

export const toprank = defineCommand({
  name: 'toprank',
  description: 'Show the TikTok Shop influencer leaderboard for a region',
  options: { ...queryOptions, date: dateOption, page: pageOption, chart: chartOption, format: formatOption },
  async run(input, ctx) {
    const query = toLeaderboardQuery(input);
    if ((query.page - 1) * query.limit >= MAX_DEPTH) {
      throw new ToprankError('invalid_option', {
        option: 'page',
        value: String(query.page),
        allowed: `at most ${Math.ceil(MAX_DEPTH / query.limit)} with limit:${query.limit} (rankings go ${MAX_DEPTH} deep)`,
      });
    }
    // The ★ is a nicety: while Redis is down the leaderboard still answers, unmarked, like the cache.
    // Read alongside the leaderboard, not after it: one Redis round trip fewer on a warm answer.
    const watched = ctx.services.subscriptions.watchlists
      .get(teamOf(ctx.channel, ctx.team), ctx.channel)
      .catch(() => undefined);
    const board = await ctx.services.leaderboards.get(query);
    const watchlist = await watched;
    const full = leaderboardView(board, {
      locale: ctx.user.locale,
      paging: true,
      sample: ctx.sample,
      isWatched: watchedMatcher(watchlist),
    });
    // A file format answers with the file, the title and the notices; the table is in the message above it.
    const view: View =
      input.format === 'table'
        ? full
        : { title: full.title, blocks: full.blocks.filter((b) => b.kind !== 'table'), footer: full.footer };
    const attachments: Attachment[] = [];
    if (input.format === 'csv') {
      const csv = csvAttachment(board);
      attachments.push(csv);
      view.blocks.push({ kind: 'text', text: `📄 ${csv.name}: ${board.rows.length} creators as CSV.` });
    }
    if (input.chart || input.format === 'chart') {
      const chart = await chartBlock(board, ctx);
      view.blocks.push(chart.notice);
      if (chart.attachment) attachments.push(chart.attachment);
    }
    return attachments.length > 0 ? { ...view, attachments } : view;
  },
});

/** The chart of a board, fetching from KeyAPI only the periods history lacks (and saying what that cost). */
async function chartBlock(
  board: Leaderboard,
  ctx: CommandContext,
): Promise<{ notice: Block; attachment?: Attachment }> {
  const history = await ctx.services.rankHistory.load(board.query, board.period, { fetchMissing: true });
  const attachment = await chartAttachment(board, history, { sample: ctx.sample, log: ctx.log });
  if (!attachment) {
    return {
      notice: { kind: 'notice', tone: 'warning', text: messageFor(new ToprankError('chart_unavailable')) },
    };
  }
  return { notice: chartCostNotice(history), attachment };
}
