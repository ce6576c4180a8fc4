/**
 * What a leaderboard chart shows, as plain data: the series behind the rank trajectory (one line per
 * creator of the shown period's top, rank or null per period) and the bars of the ranking metric with
 * GMV beside it, plus the title and the alt text that says it in words. Pure: ranking types in, data out.
 */

import { truncateText } from '../clean-text.js';
import { formatCount, formatUsd } from '../ranking/format-number.js';
import { describePeriod, monthNames } from '../ranking/period.js';
import type { RankHistory } from '../ranking/rank-history.js';
import type { Creator, LeaderboardQuery, Period } from '../ranking/types.js';

/** A chart follows at most the top 10 (one KeyAPI page): more lines would not read. */
const CHART_DEPTH = 10;

interface TrajectorySeries {
  userId: string;
  /** `@handle` (ASCII, so any nickname's script renders safely), or the user id without one. */
  label: string;
  /** Rank in each period, oldest first; null where the creator was outside the top (a gap). */
  ranks: (number | null)[];
}

interface MetricBar {
  label: string;
  metric: number | null;
  gmv: number | null;
}

export interface ChartData {
  /** Repeats the query and the period: "US weekly top 10 by sales · week of Mon 23 Nov 2026". */
  title: string;
  sample: boolean;
  periods: Period[];
  periodLabels: string[];
  /** Ranks 1..depth are "the top"; rank 1 is drawn on top. */
  depth: number;
  /** In rank order of the shown period (the legend's order). */
  series: TrajectorySeries[];
  metricName: 'Followers gained' | 'Sales';
  bars: MetricBar[];
}

const cadenceWords = { day: 'daily', week: 'weekly', month: 'monthly' } as const;

/** A short axis label: "23 Nov" for days and weeks, "Nov 2026" for months. */
function periodLabel(period: Period): string {
  const [year, month, day] = period.date.split('-').map(Number) as [number, number, number];
  const name = monthNames[month - 1] ?? '';
  return period.type === 'month' ? `${name} ${year}` : `${day} ${name}`;
}

function labelOf(creator: Creator): string {
  return creator.handle ? `@${creator.handle}` : creator.userId;
}

/** The chart of `query` in the last period of `history` (whose last entry is the shown period). */
export function chartDataOf(query: LeaderboardQuery, history: RankHistory, sample: boolean): ChartData {
  const shown = history.periods[history.periods.length - 1];
  if (!shown) throw new Error('a chart needs at least one period');
  const depth = Math.min(query.limit, CHART_DEPTH);
  const top = (shown.rows ?? []).filter((row) => row.rank <= depth);
  const rankIn = history.periods.map(
    (p) => new Map((p.rows ?? []).filter((r) => r.rank <= depth).map((r) => [r.creator.userId, r.rank])),
  );
  const filters = [query.category, query.productCategory && `product category ${query.productCategory}`]
    .filter(Boolean)
    .join(', ');
  return {
    title: `${query.region} ${cadenceWords[query.type]} top ${depth} by ${query.by}${filters ? ` (${filters})` : ''} · ${describePeriod(shown.period)}`,
    sample,
    periods: history.periods.map((p) => p.period),
    periodLabels: history.periods.map((p) => periodLabel(p.period)),
    depth,
    series: top.map(({ creator }) => ({
      userId: creator.userId,
      label: labelOf(creator),
      ranks: rankIn.map((ranks) => ranks.get(creator.userId) ?? null),
    })),
    metricName: query.by === 'followers' ? 'Followers gained' : 'Sales',
    bars: top.map(({ creator }) => ({
      label: labelOf(creator),
      metric: (query.by === 'followers' ? creator.followers : creator.sales) ?? null,
      gmv: creator.gmv ?? null,
    })),
  };
}

/** The longest alt text both platforms take (Slack's alt_txt: 1,000; Discord's description: 1,024). */
export const MAX_ALT_TEXT = 1000;

/** The chart in words, for screen readers and for anyone whose client shows no image. */
export function describeChart(data: ChartData): string {
  const first = data.periods[0];
  const last = data.periods[data.periods.length - 1];
  const span = first && last ? ` from ${describePeriod(first)} to ${describePeriod(last)}` : '';
  const lines = data.series.map((s) => {
    const now = s.ranks[s.ranks.length - 1];
    const before = s.ranks.slice(0, -1).find((r) => r !== null);
    const earlier =
      before === undefined ? `new in the top ${data.depth}` : `${before} when first in the top ${data.depth}`;
    const bar = data.bars.find((b) => b.label === s.label);
    const metric = bar
      ? `, ${formatCount(bar.metric ?? undefined)} ${data.metricName.toLowerCase()}, ${formatUsd(bar.gmv ?? undefined)} GMV`
      : '';
    return `${s.label} rank ${now ?? '–'} now, ${earlier}${metric}`;
  });
  const text = `${data.sample ? 'Sample data. ' : ''}Rank trajectory of the ${data.title} over ${data.periods.length} periods${span}, rank 1 on top, with a bar chart of ${data.metricName.toLowerCase()} and GMV: ${lines.join('; ')}.`;
  return truncateText(text, MAX_ALT_TEXT);
}
