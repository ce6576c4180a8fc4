/**
 * A digest as its channel sees it: the leaderboard under "Weekly digest", and, when it comes late
 * because the credit budget was spent when it was due, a sentence saying so. Shared by the delivery
 * job and by `/toprank-subscribe preview:on`, so a preview is exactly what will be posted.
 */
import type { Creator, Leaderboard, RankType } from '../ranking/types.js';
import { leaderboardView, WATCHED_MARK } from './leaderboard-view.js';
import type { NoticeBlock, View } from './view.js';

const headings = { day: 'Daily digest', week: 'Weekly digest', month: 'Monthly digest' } as const;

/** Why a delivery comes late (today, only one reason exists). */
export type LateReason = 'budget';

/** The sentence at the top of a late digest or alert. */
export function lateNotice(reason: LateReason): NoticeBlock {
  const why = {
    budget:
      "the operator's daily KeyAPI credit budget was spent when this was due, so it was sent after the budget reset",
  }[reason];
  return { kind: 'notice', tone: 'warning', text: `Late: ${why}.` };
}

/** The digest of a subscription whose cadence is `cadence`. */
export function digestView(
  board: Leaderboard,
  cadence: RankType,
  options: {
    sample?: boolean | undefined;
    late?: LateReason | undefined;
    isWatched?: ((creator: Creator) => boolean) | undefined;
  } = {},
): View {
  const { isWatched } = options;
  const view = leaderboardView(board, { heading: headings[cadence], sample: options.sample, isWatched });
  if (options.late) view.blocks.unshift(lateNotice(options.late));
  const watched = isWatched ? board.rows.filter((row) => isWatched(row.creator)).length : 0;
  if (watched > 0) {
    const are = watched === 1 ? 'is' : 'are';
    const creators = watched === 1 ? 'creator' : 'creators';
    view.blocks.push({
      kind: 'text',
      text: `${WATCHED_MARK} ${watched} of your watched ${creators} ${are} in this top ${board.rows.length}.`,
    });
  }
  return view;
}
