/**
 * The files a leaderboard can carry: its chart (PNG, drawn by src/charts from history) and its rows as
 * CSV, with their names, alt text and the sentence saying what the chart cost. Shared by /toprank, the
 * buttons and the digests. Never imports a platform.
 */
import type { Logger } from 'pino';
import { type ChartData, chartDataOf, describeChart } from '../charts/chart-data.js';
import { renderChartPng } from '../charts/render-chart.js';
import { describePeriod } from '../ranking/period.js';
import type { RankHistory } from '../ranking/rank-history.js';
import type { Leaderboard } from '../ranking/types.js';
import { leaderboardCsv } from './leaderboard-csv.js';
import type { Attachment, NoticeBlock } from './view.js';

/** Draws a chart's PNG (src/charts by default; tests give one that fails). */
export type ChartRenderer = (data: ChartData) => Promise<Uint8Array> | Uint8Array;

const periodNouns = { day: 'days', week: 'weeks', month: 'months' } as const;

/** `toprank-US-week-sales-2026-11-23`: what the files of one leaderboard are called. */
function fileStem(board: Leaderboard): string {
  const { query, period } = board;
  return `toprank-${query.region}-${period.type}-${query.by}-${period.date}`;
}

/** The leaderboard's rows as a CSV attachment. */
export function csvAttachment(board: Leaderboard): Attachment {
  return {
    name: `${fileStem(board)}.csv`,
    contentType: 'text/csv',
    data: new TextEncoder().encode(leaderboardCsv(board)),
    alt: `The ${board.rows.length} creators of this leaderboard (${describePeriod(board.period)}) as CSV, with KeyAPI's fields.`,
  };
}

/**
 * The chart of a leaderboard over the periods of `history` (its last is the board's period).
 * A chart that cannot be drawn is logged and left out: it never holds back the message it goes with.
 */
export async function chartAttachment(
  board: Leaderboard,
  history: RankHistory,
  options: {
    sample?: boolean | undefined;
    log: Logger;
    /** Draws the PNG (default: src/charts). */
    render?: ChartRenderer | undefined;
  },
): Promise<Attachment | undefined> {
  try {
    const data = chartDataOf(board.query, history, options.sample === true);
    return {
      name: `${fileStem(board)}.png`,
      contentType: 'image/png',
      data: await (options.render ?? renderChartPng)(data),
      alt: describeChart(data),
    };
  } catch (error) {
    options.log.error({ err: error, period: board.period }, 'chart could not be drawn: sent without it');
    return undefined;
  }
}

/** What the chart cost, as the user reads it: periods from history are free, each fetched one a credit. */
export function chartCostNotice(history: RankHistory): NoticeBlock {
  const total = history.periods.length;
  const type = history.periods[0]?.period.type ?? 'day';
  const fromHistory = total - history.fetched;
  const cost =
    history.fetched === 0
      ? `all ${total} ${periodNouns[type]} from history, no credits spent`
      : `${fromHistory} ${periodNouns[type]} from history, ${history.fetched} fetched from KeyAPI (${history.fetched} credit${history.fetched === 1 ? '' : 's'})`;
  const failed = history.failed > 0 ? ` ${history.failed} could not be fetched and show as gaps.` : '';
  return {
    kind: 'notice',
    tone: 'info',
    text: `📈 Chart of the last ${total} ${periodNouns[type]}: ${cost}.${failed}`,
  };
}
