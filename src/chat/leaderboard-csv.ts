/**
 * Leaderboards as CSV for spreadsheets: one row per creator (per period in an export) with rank,
 * movement and KeyAPI's own field names and values (`user_id` as text, exactly as received). UTF-8 with
 * a BOM, and every cell that a spreadsheet would run as a formula neutralised. Reads ranking types only.
 */
import { stringify } from 'csv-stringify/sync';
import { formatMovement } from '../ranking/movement.js';
import type { Leaderboard } from '../ranking/types.js';

/** One CSV row before it is written: the leading columns of ours, then the KeyAPI row as received. */
interface CsvRow {
  /** `period` (an export's), `rank`, `movement`: whichever the file has. */
  lead: Record<string, string | number>;
  raw: Record<string, unknown>;
}

// Excel, LibreOffice and Google Sheets run a cell starting with one of these as a formula (OWASP: CSV injection).
const formulaStart = /^[=+\-@\t\r]/;

/**
 * A cell as text a spreadsheet shows and never runs: text with a formula-like start gets a leading
 * apostrophe. Numbers stay numbers (−12 is a value, not a formula), so spreadsheets can sum them.
 */
export function neutralise(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return formulaStart.test(text) ? `'${text}` : text;
}

/** The file's text: a header of every column any row has (ours first, KeyAPI's in the order first seen). */
export function toCsv(rows: CsvRow[]): string {
  const lead = [...new Set(rows.flatMap((r) => Object.keys(r.lead)))];
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r.raw)))].filter((f) => !lead.includes(f));
  const columns = [...lead, ...fields];
  const records = rows.map((r) => columns.map((c) => neutralise(c in r.lead ? r.lead[c] : r.raw[c])));
  // The BOM tells Excel the file is UTF-8, so nicknames in any script open intact.
  return `\uFEFF${stringify([columns.map(neutralise), ...records])}`;
}

/** A leaderboard's rows: rank, movement (as the chat shows it), then KeyAPI's fields. */
export function leaderboardCsv(board: Leaderboard): string {
  return toCsv(
    board.rows.map((row) => ({
      // The chat's "=" for an unchanged rank would read as a formula in a spreadsheet: "same" says it.
      lead: {
        rank: row.rank,
        movement: row.movement?.kind === 'same' ? 'same' : formatMovement(row.movement),
      },
      raw: row.creator.raw,
    })),
  );
}
