/**
 * The leaderboard as a View: title, notices for a snapped date or a fallback, one row per creator,
 * Prev/Next buttons, and the 📈 Chart and 📄 CSV buttons under every leaderboard. Shared by /toprank
 * and the digests so both read the same.
 * Reads ranking types; never imports a platform.
 */

import { formatCount, formatUsd } from '../ranking/format-number.js';
import { MAX_DEPTH } from '../ranking/leaderboard-service.js';
import { formatMovement } from '../ranking/movement.js';
import { describePeriod } from '../ranking/period.js';
import { flagOf } from '../ranking/regions.js';
import type { Leaderboard, RankedCreator } from '../ranking/types.js';
import { encodeLeaderboardAction } from './action-id.js';
import { type Block, type Button, type Cell, truncateText, type View } from './view.js';

export interface LeaderboardViewOptions {
  /** BCP 47 locale for numbers (Discord sends the user's). */
  locale?: string;
  /** Show Prev/Next buttons (replies yes; digests no). */
  paging?: boolean;
  /** Label everything as sample data (the demo). */
  sample?: boolean;
  /** A heading above the title's own words, e.g. "Weekly digest". */
  heading?: string;
}

const periodWords = { day: 'Daily', week: 'Weekly', month: 'Monthly' } as const;

/** Builds the View of a leaderboard. */
export function leaderboardView(board: Leaderboard, options: LeaderboardViewOptions = {}): View {
  const { query, period } = board;
  const locale = options.locale ?? 'en-US';
  const from = (query.page - 1) * query.limit + 1;
  const to = from + Math.max(board.rows.length, 1) - 1;
  const filters = [query.category, query.productCategory && `product category ${query.productCategory}`]
    .filter(Boolean)
    .join(', ');
  const title = [
    options.heading,
    `${flagOf(query.region)} ${query.region} ${periodWords[period.type].toLowerCase()} top ${from === 1 ? to : `${from}–${to}`} by ${query.by}`,
    filters && `(${filters})`,
  ]
    .filter(Boolean)
    .join(' · ');

  const blocks: Block[] = [];
  if (options.sample)
    blocks.push({ kind: 'notice', tone: 'warning', text: 'Sample data: not real creators.' });
  if (board.snapped && query.date) {
    blocks.push({
      kind: 'notice',
      tone: 'info',
      text: `${periodWords[period.type]} rankings start on ${startWords[period.type]}: ${query.date} is shown as the ${describePeriod(period)}.`,
    });
  }
  if (board.fellBackFrom) {
    blocks.push({
      kind: 'notice',
      tone: 'warning',
      text: `The ranking for ${describePeriod(board.fellBackFrom)} is not published yet; showing ${describePeriod(period)}.`,
    });
  }
  blocks.push({
    kind: 'table',
    columns: ['#', 'Move', 'Creator', 'Handle', ...metricColumns[query.by]],
    rows: board.rows.map((row) => rowCells(row, query.by, locale)),
    empty: 'No creators match these filters for this period.',
  });

  const view: View = {
    title,
    blocks,
    // 🆕 means "not in the previous period's top <to>": movement is measured against that many ranks.
    footer: `${describePeriod(period)} · movement vs top ${to} of ${describePeriod(board.previous)} · data: KeyAPI${options.sample ? ' (sample)' : ''}`,
  };
  const buttons = [...(options.paging ? pagingButtons(board, to) : []), ...fileButtons(board)];
  if (buttons.length > 0) view.actions = buttons;
  return view;
}

const startWords = { day: 'any day', week: 'Mondays', month: 'the 1st' } as const;

const metricColumns = {
  followers: ['Followers gained', 'Followers', 'GMV'],
  sales: ['Sales', 'GMV', 'Followers'],
} as const;

function rowCells(row: RankedCreator, by: Leaderboard['query']['by'], locale: string): Cell[] {
  const { creator } = row;
  const handle: Cell = creator.handle
    ? { text: `@${creator.handle}`, url: `https://www.tiktok.com/@${encodeURIComponent(creator.handle)}` }
    : '–';
  const metrics =
    by === 'followers'
      ? [
          `+${formatCount(creator.followers, locale)}`,
          formatCount(creator.followersTotal, locale),
          formatUsd(creator.gmv, locale),
        ]
      : [
          formatCount(creator.sales, locale),
          formatUsd(creator.gmv, locale),
          formatCount(creator.followersTotal, locale),
        ];
  return [String(row.rank), formatMovement(row.movement), cleanName(creator.nickname), handle, ...metrics];
}

/** Nicknames are untrusted: no line breaks or control characters, and a sane length (adapters escape markup). */
export function cleanName(name: string): string {
  const flat = name.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
  return truncateText(flat, 64) || '–';
}

function pagingButtons(board: Leaderboard, lastRank: number): Button[] {
  const { query, period } = board;
  const buttons: Button[] = [];
  const prev = encodeLeaderboardAction(query, period.date, query.page - 1);
  const next = encodeLeaderboardAction(query, period.date, query.page + 1);
  if (prev) buttons.push({ id: prev, label: '◀ Prev', disabled: query.page <= 1 });
  if (next) buttons.push({ id: next, label: 'Next ▶', disabled: !board.hasMore || lastRank >= MAX_DEPTH });
  return buttons;
}

/** 📈 Chart and 📄 CSV: each sends its file privately to whoever clicks, for the page it is under. */
function fileButtons(board: Leaderboard): Button[] {
  if (board.rows.length === 0) return [];
  const { query, period } = board;
  const chart = encodeLeaderboardAction(query, period.date, query.page, 'chart');
  const csv = encodeLeaderboardAction(query, period.date, query.page, 'csv');
  return [
    ...(chart ? [{ id: chart, label: '📈 Chart' }] : []),
    ...(csv ? [{ id: csv, label: '📄 CSV' }] : []),
  ];
}
