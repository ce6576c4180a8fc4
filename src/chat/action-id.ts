/**
 * Button action ids that carry their whole query, so a click works after a restart with no stored
 * state: `tr|US|w|s|20261123|10|2|<category>|<product category>`; the first part names the button
 * (`tr` a page, `tc` the chart, `tf` the CSV file). Discord caps custom_id at 100 characters; a query
 * that does not fit gets no buttons. A decoded id is untrusted input: it goes through the command's
 * own option schema like anything a user typed.
 */
import type { LeaderboardQuery } from '../ranking/types.js';

const MAX_ID_LENGTH = 100;

/** What a leaderboard button does: show a page, or send the chart or the CSV of the page it is under. */
export type LeaderboardButton = 'page' | 'chart' | 'csv';

const prefixes: Record<LeaderboardButton, string> = { page: 'tr', chart: 'tc', csv: 'tf' };
/** The options each kind of button adds to the query, as if typed. */
const extraValues: Record<LeaderboardButton, Record<string, string>> = {
  page: {},
  chart: { chart: 'on' },
  csv: { format: 'csv' },
};

/** A decoded click: the command to run and its options as text, as if the user had typed them. */
export interface DecodedAction {
  command: string;
  values: Record<string, string>;
  /** Answer only the person who clicked (the chart and CSV buttons); a page click replaces the message. */
  private?: true;
}

/** The id of a button for `page` of the leaderboard for `query` in the period dated `date`. */
export function encodeLeaderboardAction(
  query: LeaderboardQuery,
  date: string,
  page: number,
  button: LeaderboardButton = 'page',
): string | undefined {
  const id = [
    prefixes[button],
    query.region,
    query.type[0],
    query.by[0],
    date.replaceAll('-', ''),
    query.limit,
    page,
    encodeURIComponent(query.category ?? ''),
    encodeURIComponent(query.productCategory ?? ''),
  ].join('|');
  return id.length <= MAX_ID_LENGTH ? id : undefined;
}

const types: Record<string, string> = { d: 'day', w: 'week', m: 'month' };
const bys: Record<string, string> = { f: 'followers', s: 'sales' };

/** Reads an action id; undefined for an id this bot did not make. */
export function decodeAction(id: string): DecodedAction | undefined {
  const parts = id.split('|');
  const button = (Object.keys(prefixes) as LeaderboardButton[]).find((b) => prefixes[b] === parts[0]);
  if (parts.length !== 9 || !button) return undefined;
  const [, region, type, by, date, limit, page, category, productCategory] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  try {
    const values: Record<string, string> = {
      region,
      type: types[type] ?? type,
      by: bys[by] ?? by,
      date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`,
      limit,
      page,
    };
    if (category) values.category = decodeURIComponent(category);
    if (productCategory) values.product_category = decodeURIComponent(productCategory);
    Object.assign(values, extraValues[button]);
    return button === 'page' ? { command: 'toprank', values } : { command: 'toprank', values, private: true };
  } catch {
    return undefined; // malformed percent-encoding
  }
}
