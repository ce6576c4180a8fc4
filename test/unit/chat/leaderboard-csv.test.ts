import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { leaderboardCsv, neutralise } from '../../../src/chat/leaderboard-csv.js';
import { csvAttachment } from '../../../src/chat/leaderboard-files.js';
import type { Leaderboard, RankedCreator } from '../../../src/ranking/types.js';

function creator(rank: number, raw: Record<string, unknown>): RankedCreator {
  return {
    rank,
    movement: rank === 1 ? { kind: 'up', places: 2 } : { kind: 'new' },
    creator: {
      userId: String(raw.user_id),
      handle: String(raw.unique_id ?? ''),
      nickname: String(raw.nick_name ?? ''),
      avatar: undefined,
      category: undefined,
      followers: undefined,
      followersTotal: undefined,
      sales: undefined,
      gmv: undefined,
      productCategories: [],
      raw,
    },
  };
}

const board: Leaderboard = {
  query: { region: 'US', type: 'week', by: 'sales', limit: 2, page: 1 },
  period: { type: 'week', date: '2026-11-16' },
  previous: { type: 'week', date: '2026-11-09' },
  snapped: false,
  fellBackFrom: undefined,
  rows: [
    creator(1, {
      user_id: '6633792625097490438',
      unique_id: 'mia.glow',
      nick_name: 'Mia, "Glow"',
      total_sale_cnt: 1200,
    }),
    creator(2, {
      user_id: '7000000000000000001',
      unique_id: 'x',
      nick_name: "=cmd|' /C calc'!A0",
      total_sale_gmv_amt: 99.5,
    }),
  ],
  compared: 2,
  hasMore: false,
};

describe('leaderboard CSV', () => {
  it('parses back to the rows, with KeyAPI field names and ids exactly as received', () => {
    const text = leaderboardCsv(board);
    expect(text.startsWith('\uFEFF')).toBe(true); // UTF-8 BOM for spreadsheet programs
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'rank',
      'movement',
      'user_id',
      'unique_id',
      'nick_name',
      'total_sale_cnt',
      'total_sale_gmv_amt',
    ]);
    expect(rows.map((r) => [r.rank, r.movement, r.user_id])).toEqual([
      ['1', '▲2', '6633792625097490438'],
      ['2', '🆕', '7000000000000000001'],
    ]);
    expect(rows[0]?.nick_name).toBe('Mia, "Glow"');
    expect(rows[1]?.total_sale_gmv_amt).toBe('99.5');
  });

  it('neutralises a nickname a spreadsheet would run as a formula', () => {
    const rows = parse(leaderboardCsv(board), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[1]?.nick_name).toBe("'=cmd|' /C calc'!A0");
    for (const start of ['=', '+', '-', '@']) expect(neutralise(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(neutralise('Mia')).toBe('Mia');
  });

  it('keeps numbers as numbers, a negative one included, and writes an unchanged rank as "same"', () => {
    expect(neutralise(-12)).toBe('-12');
    expect(neutralise(99.5)).toBe('99.5');
    const same = { ...board, rows: board.rows.map((r) => ({ ...r, movement: { kind: 'same' as const } })) };
    const rows = parse(leaderboardCsv(same), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.movement)).toEqual(['same', 'same']);
  });

  it('names the file after the query and period, as text/csv', () => {
    const file = csvAttachment(board);
    expect(file).toMatchObject({ name: 'toprank-US-week-sales-2026-11-16.csv', contentType: 'text/csv' });
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(file.data)).toBe(leaderboardCsv(board));
  });
});
