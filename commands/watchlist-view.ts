/**
 * A channel's watchlist as a View: each creator with their leaderboard and latest rank ("not in the
 * top 50" when the latest check did not find them), the alert settings and what the checks cost.
 */
import type { Cell, View } from '../src/chat/view.js';
import { watchPriceOf } from '../src/ranking/price.js';
import { describeQuiet } from '../src/subscriptions/quiet-hours.js';
import {
  boardHash,
  describeBoard,
  MAX_WATCHED_PER_CHANNEL,
  type WatchedCreator,
  type Watchlist,
} from '../src/subscriptions/watchlist.js';

function rankWords(creator: WatchedCreator): string {
  if (!creator.lastPeriod) return 'not checked yet (the next check finds them)';
  const when = creator.lastPeriod.replace(/^(day|week|month)-/, '');
  return creator.lastRank === undefined
    ? `not in the top ${creator.board.depth} (${when})`
    : `#${creator.lastRank} (${when})`;
}

function nameCell(creator: WatchedCreator): Cell {
  const text = creator.nickname ? `${creator.nickname} (@${creator.handle})` : `@${creator.handle}`;
  return { text, url: `https://www.tiktok.com/@${encodeURIComponent(creator.handle)}` };
}

/** The watchlist, with a sentence above it (what a command just did). */
export function watchlistView(list: Watchlist, said?: string): View {
  const boards = new Map(list.creators.map((c) => [boardHash(c.board), c.board]));
  const monthly = [...boards.values()].reduce((n, b) => n + watchPriceOf(b.depth, b.type).monthly, 0);
  const quiet = list.quiet ? `quiet hours ${describeQuiet(list.quiet)}` : 'no quiet hours';
  return {
    title: `Watched in this channel (${list.creators.length} of ${MAX_WATCHED_PER_CHANNEL})`,
    blocks: [
      ...(said ? [{ kind: 'notice' as const, tone: 'info' as const, text: said }] : []),
      {
        kind: 'table',
        columns: ['Rank', 'Creator', 'Leaderboard'],
        rows: list.creators.map((c) => [rankWords(c), nameCell(c), describeBoard(c.board)]),
        empty: 'No creators watched.',
      },
      {
        kind: 'text',
        text: `Alerts: entering or leaving the top, moves of ${list.alertClimb}+ places, becoming #1; ${quiet}. Checks: ≈ ${monthly} credits a month for ${boards.size} ${boards.size === 1 ? 'leaderboard' : 'leaderboards'}, shared with every channel watching the same.`,
      },
    ],
    ephemeral: false,
  };
}
