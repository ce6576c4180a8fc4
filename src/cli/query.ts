/**
 * `toprank query region:US type:day [--json]`: one leaderboard in the terminal, as a table or as JSON
 * keeping KeyAPI's field names and values as received, plus rank and movement.
 */

import { parseOptions } from '../../commands/define-command.js';
import { usageView } from '../../commands/index.js';
import { toLeaderboardQuery } from '../../commands/query-options.js';
import { toprank } from '../../commands/toprank.js';
import { renderConsole } from '../adapters/console/render.js';
import { leaderboardView } from '../chat/leaderboard-view.js';
import { parseKeyValueText } from '../chat/parse-text.js';
import type { Leaderboard } from '../ranking/types.js';
import type { Core } from '../services.js';

/** The leaderboard as one JSON object (ids as strings, exactly as KeyAPI sent them). */
function leaderboardJson(board: Leaderboard) {
  return {
    query: board.query,
    period: {
      type: board.period.type,
      date: board.period.date,
      snapped: board.snapped,
      fellBack: board.fellBackFrom !== undefined,
      ...(board.fellBackFrom && { fellBackFrom: board.fellBackFrom.date }),
      previous: board.previous.date,
    },
    rows: board.rows.map((row) => ({ ...row.creator.raw, rank: row.rank, movement: row.movement ?? null })),
  };
}

/** Runs the query; returns what to print. Throws ToprankError for the caller to print and exit on. */
export async function runQuery(args: string[], core: Core, sample: boolean): Promise<string> {
  const json = args.includes('--json');
  const parsed = parseKeyValueText(args.filter((a) => a !== '--json').join(' '), toprank.name);
  if (parsed.help) return renderConsole(usageView(toprank));
  const query = toLeaderboardQuery(parseOptions(toprank, parsed.values));
  const board = await core.leaderboards.get(query);
  if (json) return JSON.stringify(leaderboardJson(board), null, 2);
  return renderConsole(leaderboardView(board, { sample }));
}
