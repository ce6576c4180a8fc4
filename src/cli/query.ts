/**
 * `toprank query region:US type:day [--json] [--chart out.png] [--csv [file]]`: one leaderboard in the
 * terminal, as a table or as JSON keeping KeyAPI's field names and values as received, plus rank and
 * movement; `--chart` writes the chart PNG and `--csv` the rows as CSV (to a file, or instead of the table).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { parseOptions } from '../../commands/define-command.js';
import { usageView } from '../../commands/index.js';
import { toLeaderboardQuery } from '../../commands/query-options.js';
import { toprank } from '../../commands/toprank.js';
import { renderConsole } from '../adapters/console/render.js';
import { leaderboardCsv } from '../chat/leaderboard-csv.js';
import { chartAttachment, chartCostNotice, csvAttachment } from '../chat/leaderboard-files.js';
import { leaderboardView } from '../chat/leaderboard-view.js';
import { parseKeyValueText } from '../chat/parse-text.js';
import { ToprankError } from '../errors.js';
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

interface QueryFlags {
  json: boolean;
  /** File to write the chart to. */
  chart?: string;
  /** `--csv` given; with a file name, where to write it (else the CSV is what is printed). */
  csv?: { file?: string };
  words: string[];
}

/** Splits `--json`, `--chart <file>` and `--csv [file]` from the key:value words. */
function parseQueryFlags(args: string[]): QueryFlags {
  const flags: QueryFlags = { json: false, words: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    const isFile = next !== undefined && !next.startsWith('--') && !next.includes(':');
    if (arg === '--json') flags.json = true;
    else if (arg === '--chart') {
      if (!isFile) {
        throw new ToprankError('invalid_option', {
          option: '--chart',
          allowed: 'a file name such as chart.png',
        });
      }
      flags.chart = next;
      i++;
    } else if (arg === '--csv') {
      flags.csv = isFile ? { file: next } : {};
      if (isFile) i++;
    } else if (arg.startsWith('--')) {
      throw new ToprankError('unknown_flag', {
        option: arg,
        command: 'query',
        allowed: '--json, --chart, --csv',
      });
    } else flags.words.push(arg);
  }
  return flags;
}

/**
 * Runs the query; returns what to print (with `--json`, the lines naming written files go to stderr so
 * stdout stays one JSON document). Throws ToprankError for the caller to print and exit on.
 */
export async function runQuery(args: string[], core: Core, sample: boolean, log: Logger): Promise<string> {
  const flags = parseQueryFlags(args);
  const parsed = parseKeyValueText(flags.words.join(' '), toprank.name);
  if (parsed.help) return renderConsole(usageView(toprank));
  const query = toLeaderboardQuery(parseOptions(toprank, parsed.values));
  const board = await core.leaderboards.get(query);
  const out: string[] = [];
  const notes: string[] = [];
  if (flags.csv && !flags.csv.file) out.push(leaderboardCsv(board).trimEnd());
  else if (flags.json) out.push(JSON.stringify(leaderboardJson(board), null, 2));
  else out.push(renderConsole(leaderboardView(board, { sample })));
  if (flags.csv?.file) {
    const path = resolve(flags.csv.file);
    await writeFile(path, csvAttachment(board).data);
    notes.push(`📄 CSV written to ${path}`);
  }
  if (flags.chart) {
    const history = await core.rankHistory.load(board.query, board.period, { fetchMissing: true });
    const chart = await chartAttachment(board, history, { sample, log });
    if (!chart) throw new ToprankError('chart_unavailable');
    const path = resolve(flags.chart);
    await writeFile(path, chart.data);
    notes.push(`📈 Chart written to ${path}`, chartCostNotice(history).text);
  }
  if (flags.json) {
    for (const note of notes) process.stderr.write(`${note}\n`);
    return out.join('\n');
  }
  return [...out, ...notes].join('\n');
}
