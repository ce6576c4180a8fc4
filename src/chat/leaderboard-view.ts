/**
 * The leaderboard as a View: title, notices for a snapped date or a fallback, one row per creator,
 * Prev/Next buttons, and the 📈 Chart and 📄 CSV buttons under every leaderboard. Shared by /toprank
 * and the digests so both read the same.
 * Reads ranking types; never imports a platform.
 */

import { truncateText } from '../clean-text.js';
import { formatChange, formatCount, formatUsd } from '../ranking/format-number.js';
import { leaderboardWindow } from '../ranking/leaderboard-window.js';
import { formatMovement } from '../ranking/movement.js';
import { describePeriod } from '../ranking/period.js';
import { flagOf } from '../ranking/regions.js';
import type { Creator, Leaderboard, RankedCreator } from '../ranking/types.js';
import { encodeLeaderboardAction } from './action-id.js';
import type { Block, Button, Cell, View } from './view.js';

export interface LeaderboardViewOptions {
  /** BCP 47 locale for numbers (Discord sends the user's). */
  locale?: string;
  /** Show Prev/Next buttons (replies yes; digests no). */
  paging?: boolean;
  /** Label everything as sample data (the demo). */
  sample?: boolean;
  /** A heading above the title's own words, e.g. "Weekly digest". */
  heading?: string;
  /** Whether the channel watches this creator (/toprank-watch): its row is marked ★. */
  isWatched?: ((creator: Creator) => boolean) | undefined;
}

/** The mark of a watched creator's row, on every platform. */
export const WATCHED_MARK = '★';

const periodWords = { day: 'Daily', week: 'Weekly', month: 'Monthly' } as const;

/** Builds the View of a leaderboard. */
export function leaderboardView(board: Leaderboard, options: LeaderboardViewOptions = {}): View {
  const { query, period } = board;
  const locale = options.locale ?? 'en-US';
  const { from } = leaderboardWindow(query);
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

  const cellsOf = rowCells(query.by, locale);
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
    rows: board.rows.map((row) => cellsOf(row, options.isWatched?.(row.creator) ?? false)),
    empty: 'No creators match these filters for this period.',
  });

  const view: View = {
    title,
    blocks,
    footer: `${describePeriod(period)} · ${movementNote(board)} · data: KeyAPI${options.sample ? ' (sample)' : ''}`,
  };
  const buttons = [...(options.paging ? pagingButtons(board) : []), ...fileButtons(board)];
  if (buttons.length > 0) view.actions = buttons;
  return view;
}

/**
 * What movement was measured against, exactly: 🆕 means "not in those ranks". E.g.
 * "movement vs Mon 23 Nov 2026: ranks 1–10 compared".
 */
export function movementNote(board: Pick<Leaderboard, 'previous' | 'compared'>): string {
  const previous = describePeriod(board.previous);
  if (board.compared === 0) return `no movement: no ranking of ${previous} to compare`;
  return `movement vs ${previous}: ${board.compared === 1 ? 'rank 1' : `ranks 1–${board.compared}`} compared`;
}

const startWords = { day: 'any day', week: 'Mondays', month: 'the 1st' } as const;

const metricColumns = {
  followers: ['Followers gained', 'Followers', 'GMV'],
  sales: ['Sales', 'GMV', 'Followers'],
} as const;

/**
 * Cells already made for a row, by metric, locale and mark. A warm leaderboard is the same row objects
 * again (src/ranking/leaderboard-service.ts), so its cells are made once; nothing changes them after.
 */
const cellsMade = new WeakMap<RankedCreator, Map<string, Cell[]>>();

/** The cells of a board's rows, for one metric and locale, watched or not. */
function rowCells(by: Leaderboard['query']['by'], locale: string) {
  const keys = [`${by} ${locale}`, `${by} ${locale} ${WATCHED_MARK}`] as const;
  return (row: RankedCreator, watched: boolean): Cell[] => {
    const key = keys[watched ? 1 : 0];
    let made = cellsMade.get(row);
    if (!made) {
      made = new Map();
      cellsMade.set(row, made);
    }
    let cells = made.get(key);
    if (!cells) {
      cells = makeRowCells(row, by, locale, watched);
      made.set(key, cells);
    }
    return cells;
  };
}

function makeRowCells(row: RankedCreator, by: Leaderboard['query']['by'], locale: string, watched: boolean) {
  const { creator } = row;
  const handle: Cell = creator.handle ? { text: `@${creator.handle}`, url: profileUrl(creator.handle) } : '–';
  const metrics =
    by === 'followers'
      ? [
          formatChange(creator.followers, locale),
          formatCount(creator.followersTotal, locale),
          formatUsd(creator.gmv, locale),
        ]
      : [
          formatCount(creator.sales, locale),
          formatUsd(creator.gmv, locale),
          formatCount(creator.followersTotal, locale),
        ];
  const name = watched ? `${WATCHED_MARK} ${shortName(creator.nickname)}` : shortName(creator.nickname);
  return [String(row.rank), formatMovement(row.movement), name, handle, ...metrics];
}

/** A creator's TikTok profile, where every name and handle toprank shows links to. */
export function profileUrl(handle: string): string {
  return `https://www.tiktok.com/@${encodeURIComponent(handle)}`;
}

/**
 * A creator's name cut to a sane length for a row or an alert line. Its characters were cleaned where
 * KeyAPI text enters the domain (src/clean-text.ts); adapters escape markup.
 */
export function shortName(name: string): string {
  return truncateText(name, 64) || '–';
}

function pagingButtons(board: Leaderboard): Button[] {
  const { query, period } = board;
  const buttons: Button[] = [];
  const prev = encodeLeaderboardAction(query, period.date, query.page - 1);
  const next = encodeLeaderboardAction(query, period.date, query.page + 1);
  if (prev) buttons.push({ id: prev, label: '◀ Prev', disabled: query.page <= 1 });
  if (next) buttons.push({ id: next, label: 'Next ▶', disabled: !board.hasMore });
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
