/**
 * Alert messages, for rank alerts and watch alerts alike: each event is one row naming the creator as
 * `Nickname (@handle)` linked to their TikTok profile, with rank, change and the metric that ranks
 * them; one message lists every item a channel had waiting (held by quiet hours or the daily cap).
 * Pure; reads ranking types, never a platform.
 */
import { formatChange, formatCount } from '../ranking/format-number.js';
import type { Creator, RankBy } from '../ranking/types.js';
import { lateNotice } from './digest-view.js';
import { profileUrl, shortName } from './leaderboard-view.js';
import { type Cell, cellText, type View } from './view.js';

/** One thing that happened to one creator between two periods of one leaderboard. */
export interface AlertEvent {
  kind: 'new_leader' | 'entered' | 'climbed' | 'fell' | 'dropped';
  creator: Pick<Creator, 'userId' | 'handle' | 'nickname' | 'followers' | 'sales'>;
  /** The rank now; undefined for a creator who dropped out. */
  rank: number | undefined;
  /** The rank before; undefined for a creator new to the ranks compared. */
  previousRank: number | undefined;
}

/**
 * What a channel is told about one leaderboard for one period, pre-rendered when the check found it
 * (plain cells; adapters escape), so a held item posts later exactly as it was found.
 */
export interface AlertItem {
  /** Names the item everywhere (its job, its place in the outbox): `alert-<sub>-<day>`, `watch-…`. */
  id: string;
  title: string;
  rows: Cell[][];
  footer: string;
  /** Label the message as sample data (the demo). */
  sample?: boolean | undefined;
  /** Found when the credit budget was spent: it comes late. */
  late?: 'budget' | undefined;
}

/** Why a message comes later than its events: quiet hours, or the channel's daily cap was reached. */
export type HoldReason = 'quiet' | 'cap';

const alertColumns = ['#', 'Move', 'Creator', 'Alert'];

function metricWords(creator: AlertEvent['creator'], by: RankBy): string {
  return by === 'followers'
    ? `${formatChange(creator.followers)} followers gained`
    : `${formatCount(creator.sales)} sold`;
}

function moveCell(event: AlertEvent): string {
  const { rank, previousRank } = event;
  if (rank === undefined) return '▼';
  if (previousRank === undefined) return '🆕';
  if (previousRank > rank) return `▲${previousRank - rank}`;
  return previousRank < rank ? `▼${rank - previousRank}` : '=';
}

function alertWords(event: AlertEvent, depth: number): string {
  const was = event.previousRank === undefined ? '' : ` (was #${event.previousRank})`;
  const places = Math.abs((event.previousRank ?? 0) - (event.rank ?? 0));
  switch (event.kind) {
    case 'new_leader':
      return `👑 new #1${was}`;
    case 'entered':
      return `entered the top ${depth}${was}`;
    case 'climbed':
      return `climbed ${places} places to #${event.rank}${was}`;
    case 'fell':
      return `fell ${places} places to #${event.rank}${was}`;
    case 'dropped':
      return `dropped out of the top ${depth}${was}`;
  }
}

/** The creator as every alert names them: `Nickname (@handle)`, linked to the profile. */
function creatorCell(creator: Pick<Creator, 'handle' | 'nickname'>): Cell {
  if (!creator.handle) return shortName(creator.nickname);
  const name = shortName(creator.nickname);
  const text = name === creator.handle ? `@${creator.handle}` : `${name} (@${creator.handle})`;
  return { text, url: profileUrl(creator.handle) };
}

/** The rows of some events on a leaderboard ranked `by`, watched `depth` ranks deep. */
export function alertRows(events: AlertEvent[], by: RankBy, depth: number): Cell[][] {
  return events.map((event) => [
    event.rank === undefined ? '–' : String(event.rank),
    moveCell(event),
    creatorCell(event.creator),
    event.rank === undefined
      ? alertWords(event, depth)
      : `${alertWords(event, depth)} · ${metricWords(event.creator, by)}`,
  ]);
}

const holdWords: Record<HoldReason, string> = {
  quiet: 'Held during quiet hours, posted as one message now that they are over.',
  cap: "This channel's daily limit of alert messages (ALERTS_PER_CHANNEL_DAY) was reached: these alerts were folded into this message.",
};

/** One message of every item a channel had waiting, oldest first. */
export function alertMessageView(items: AlertItem[], options: { held?: HoldReason | undefined } = {}): View {
  const titles = [...new Set(items.map((i) => i.title))];
  const single = titles.length === 1;
  const rows = items.flatMap((item) =>
    single
      ? item.rows
      : item.rows.map((row) => [...row.slice(0, -1), `${cellText(row.at(-1) ?? '')} · ${item.title}`]),
  );
  const blocks: View['blocks'] = [];
  if (items.some((i) => i.late)) blocks.push(lateNotice('budget'));
  if (options.held) blocks.push({ kind: 'notice', tone: 'info', text: holdWords[options.held] });
  if (items.some((i) => i.sample)) {
    blocks.push({ kind: 'notice', tone: 'warning', text: 'Sample data: not real creators.' });
  }
  blocks.push({ kind: 'table', columns: alertColumns, rows, empty: 'No moves.' });
  return {
    title: single ? (titles[0] ?? 'Alerts') : `Alerts · ${titles.length} leaderboards`,
    blocks,
    footer: [...new Set(items.map((i) => i.footer))].join(' | '),
  };
}
